"""Importing the existing panel: preview with row errors, nothing written until confirmed."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from panel.members.models import ConsentBasis, Member, MemberImport
from tests.factories import make_member, make_staff

CSV = """first_name,last_name,email,postcode,age_band
Ada,Lovelace,ada@example.com,FY1 1AA,35-44
Bad,Email,not-an-email,FY1 1AA,
Unknown,Postcode,unknown@example.com,FY9 9ZZ,
Out,Side,out@example.com,LA18 4AA,
Dup,Licate,ada@example.com,FY2 2BB,
Already,Member,existing@example.com,BB3 1AA,
Shared,Area,shared@example.com,PR8 1AA,
"""


def _upload(client, content=CSV, name="panel.csv"):
    return client.post(
        "/staff/members/import",
        data={"file": (io.BytesIO(content.encode()), name), "source_id": "0"},
        content_type="multipart/form-data",
    )


def test_preview_lists_row_errors_and_confirm_creates_only_good_rows_once(
    client, session, login_as
):
    make_member(session, email="existing@example.com")
    login_as(make_staff(session))
    session.commit()
    response = _upload(client)
    assert response.status_code == 302
    preview = client.get(response.location).text
    assert session.scalar(sa.select(sa.func.count()).select_from(Member)) == 1  # nothing yet
    for message in (
        "Email address is not valid",
        "Unknown postcode",
        "outside the ICB area",
        "Duplicate of row 2",
        "covers several places",
    ):
        assert message in preview
    assert "1 new members, 1 already on the panel" in preview
    confirm_url = response.location
    client.post(confirm_url)
    client.post(confirm_url)  # a double click imports nobody twice
    ada = session.scalar(sa.select(Member).where(Member.email == "ada@example.com"))
    assert ada.consent_basis is ConsentBasis.IMPORTED and ada.place.code == "blackpool"
    assert session.scalar(sa.select(sa.func.count()).select_from(Member)) == 2
    assert session.scalar(sa.select(MemberImport.content)) == ""  # the upload is not kept
    second = _upload(client)  # the same file again: idempotent
    assert "0 new members" in client.get(second.location).text


def test_unreadable_files_are_rejected_with_the_reason(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    missing = _upload(client, "name,address\nx,y\n")
    assert "Missing: email, first_name, last_name, postcode" in missing.text
    assert "Choose a CSV file" in client.post("/staff/members/import", data={}).text
    binary = client.post(
        "/staff/members/import",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert "Choose a CSV file saved as UTF-8" in binary.text
    assert session.scalar(sa.select(sa.func.count()).select_from(MemberImport)) == 0


def test_import_is_audited(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    response = _upload(client)
    client.post(response.location)
    from panel.audit.models import AuditEvent

    detail = session.scalar(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "members.import")
    )
    assert re.search(r"2 created, 0 already members, 5 rows with errors", detail)
