"""The optional limit of members per household (surname and postcode), at joining and import."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from panel.members.models import Member
from tests.factories import make_member, make_staff


@pytest.fixture
def app_config(tmp_path):
    return {"MAX_MEMBERS_PER_HOUSEHOLD": 2}


def test_joining_a_full_household_is_a_message_by_the_postcode_keeping_what_was_typed(
    client, session
):
    for first in ("Amy", "Anna"):
        make_member(session, first_name=first, last_name="O'Leary", postcode="FY1 1AA")
    session.commit()
    client.get("/join")
    details = {
        "first_name": "Ann",
        "last_name": "o leary",
        "email": "ann.o@example.com",
        "postcode": "fy1 1aa",
    }
    page = client.post("/join/your-details", data=details)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "up to 2 people from one household" in html
    assert 'id="postcode-error"' in html or "nhsuk-error-message" in html
    assert 'value="ann.o@example.com"' in html and 'value="Ann"' in html
    # Another household at the same postcode is not held back.
    other = client.post("/join/your-details", data={**details, "last_name": "Byrne"})
    assert other.status_code == 302


def test_an_import_row_past_the_limit_is_a_row_error_counting_earlier_rows(
    client, session, login_as
):
    make_member(session, first_name="Amy", last_name="Pickup", postcode="FY1 1AA")
    login_as(make_staff(session))
    session.commit()
    content = (
        "first_name,last_name,email,postcode\n"
        "Bea,Pickup,bea@example.com,FY1 1AA\n"
        "Cal,Pickup,cal@example.com,FY1 1AA\n"
        "Dee,Shaw,dee@example.com,FY1 1AA\n"
    )
    response = client.post(
        "/staff/members/import",
        data={"file": (io.BytesIO(content.encode()), "p.csv"), "source_id": "0"},
        content_type="multipart/form-data",
    )
    preview = client.get(response.location).get_data(as_text=True)
    assert "2 new members" in preview and "up to 2 people from one household" in preview
    client.post(response.location)
    emails = set(session.scalars(sa.select(Member.email)))
    assert {"bea@example.com", "dee@example.com"} <= emails and "cal@example.com" not in emails
