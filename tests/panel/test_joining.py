"""Joining the panel: the steps, double opt-in, joining twice, bad links and the retention job."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from panel.email_requests import handle_email_requests
from panel.extensions import db
from panel.members.models import ConsentKind, Member, MemberStatus
from panel.members.services.joining import purge_unconfirmed
from tests.factories import make_member, place

DETAILS = {
    "first_name": "Ann",
    "last_name": "O'Leary",
    "email": "Ann@Example.com",
    "postcode": "fy1 1aa",
}


def shown_place_id(html: str) -> str:
    """The area the where-you-live page offers: the postcode's only place (stated, and sent in a
    hidden field) or the one checked among several."""
    found = re.search(r'name="place_id" value="(\d+)"', html) or re.search(
        r'name="place_id" type="radio" value="(\d+)" checked', html
    )
    return found.group(1)


def fill_in_every_step(client, details=None, equality=None, place_id=None):
    """Go through every step of the join form up to the last button, as a resident would."""
    client.get("/join")
    response = client.post("/join/your-details", data=details or DETAILS)
    assert response.status_code == 302, response.text
    page = client.get("/join/where-you-live")
    if place_id is None:
        place_id = shown_place_id(page.text)
    client.post("/join/where-you-live", data={"place_id": place_id, "neighbourhood_id": "0"})
    client.post(
        "/join/about-you",
        data={
            "age_band": "25-34",
            "topics": ["gp", "maternity"],
            "preferred_format": "easy_read",
            "language": "en",
        },
    )
    if equality is None:
        client.post("/join/equality", data={"skip": "1"})
    else:
        client.post("/join/equality", data=equality)


def submit_join_form(client, tracking="yes"):
    return client.post(
        "/join/check-your-answers", data={"tracking_consent": tracking, "agree": "y"}
    )


def join(client, details=None, equality=None, place_id=None, tracking="yes"):
    """Every step of the join form, then what the scheduler does seconds later."""
    fill_in_every_step(client, details, equality, place_id)
    response = submit_join_form(client, tracking)
    run_email_requests()
    return response


def run_email_requests():
    """What the scheduler does seconds after a join: make or refresh the member, queue the email."""
    handle_email_requests(db.session, datetime.now(UTC))
    db.session.commit()


def _confirm_link(message):
    return re.search(r"http://panel\.test(/join/confirm/\S+)", message.text_body).group(1)


def test_join_then_confirm_makes_a_member_in_the_suggested_place(client, session, outbox):
    response = join(client)
    assert response.status_code == 302 and response.location.endswith("/join/check-your-email")
    member = session.scalar(sa.select(Member).where(Member.email == "ann@example.com"))
    assert member.status is MemberStatus.PENDING and member.place.code == "blackpool"
    [message] = outbox()
    assert message.to_email == "ann@example.com"
    assert "List-Unsubscribe" in message.headers and "/unsubscribe/" in message.text_body
    confirmed = client.post(_confirm_link(message))
    assert confirmed.status_code == 200 and "Welcome to the citizens' panel" in confirmed.text
    session.expire_all()
    member = session.get(Member, member.id)
    assert member.status is MemberStatus.ACTIVE and member.joined_at is not None
    assert member.topics == ["gp", "maternity"]
    # Not asked any more (issue 19): a format posted anyway is not stored, and null says so.
    assert member.preferred_format is None and member.language is None
    assert member.tracking_consent is True
    assert [c.kind for c in member.consents if c.given] == [
        ConsentKind.TRACKING,
        ConsentKind.MEMBERSHIP,
    ]
    assert client.post(_confirm_link(message)).status_code == 200  # second click: already on


def test_joining_twice_never_makes_a_second_member_or_reveals_membership(client, session, outbox):
    join(client)
    first_page = client.get("/join/check-your-email").text
    client.post(_confirm_link(outbox()[0]))
    other = client.application.test_client()
    response = join(other)
    assert response.location.endswith("/join/check-your-email")
    assert other.get("/join/check-your-email").text.count("Check your email") == first_page.count(
        "Check your email"
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(Member)) == 1
    messages = outbox()
    assert messages[-1].subject == "You are already on the citizens' panel"
    assert "/my-panel/link/" in messages[-1].text_body


def test_pending_signup_joining_again_refreshes_the_same_row(client, session, outbox):
    join(client)
    join(client.application.test_client(), {**DETAILS, "first_name": "Annie"})
    members = session.scalars(sa.select(Member)).all()
    assert len(members) == 1 and members[0].first_name == "Annie"
    assert len(outbox()) == 2


def test_equality_answers_are_kept_only_with_the_consent_tick(client, session):
    join(client, equality={"sex": "female", "ethnic_group": "13"})  # answered, no consent tick
    page = client.get("/join/equality")
    assert session.scalar(sa.select(Member)) is None  # the unconsented step did not go through
    client.get("/join")
    client.post("/join/your-details", data=DETAILS)
    refused = client.post("/join/equality", data={"sex": "female"})
    assert page.status_code in (200, 302)
    join(client, equality={"sex": "female", "ethnic_group": "13", "consent": "y"})
    member = session.scalar(sa.select(Member))
    assert member.equality.sex == "female" and member.equality.ethnic_group == "13"
    consent = [c for c in member.consents if c.kind is ConsentKind.SPECIAL_CATEGORY]
    assert consent and consent[-1].given and consent[-1].wording_version and consent[-1].at
    assert refused.status_code in (200, 302)


def test_equality_without_consent_is_a_clear_error(client):
    client.get("/join")
    client.post("/join/your-details", data=DETAILS)
    page = client.get("/join/where-you-live")
    place_id = shown_place_id(page.text)
    client.post("/join/where-you-live", data={"place_id": place_id, "neighbourhood_id": "0"})
    client.post(
        "/join/about-you",
        data={"age_band": "25-34", "preferred_format": "standard", "language": "en"},
    )
    response = client.post("/join/equality", data={"sex": "female"})
    assert response.status_code == 200
    assert "Tick the box to let us keep your answers" in response.text


def test_skipping_equality_stores_none(client, session):
    join(client)
    assert session.scalar(sa.select(Member)).equality is None


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("postcode", "ABC", "Enter a full UK postcode"),
        ("first_name", "   ", "Enter your first name"),
        ("first_name", "x" * 500, "80 characters or fewer"),
    ],
)
def test_bad_details_get_a_message_next_to_the_field_and_keep_the_rest(
    client, field, value, message
):
    client.get("/join")
    response = client.post("/join/your-details", data={**DETAILS, field: value})
    assert response.status_code == 200 and message in response.text
    assert "There is a problem" in response.text
    kept = "ann@example.com" if field != "email" else "Ann"
    assert kept.lower() in response.text.lower()


def test_postcode_outside_the_area_gets_a_kind_explanation(client):
    client.get("/join")
    client.post("/join/your-details", data={**DETAILS, "postcode": "LA18 4AA"})
    page = client.get("/join/where-you-live")
    assert page.status_code == 200 and "Your postcode is outside our area" in page.text


def test_resident_of_a_shared_postcode_district_chooses_among_its_places(client, session):
    lancashire = place(session, "lancashire")  # FY3 is mostly Blackpool, partly Lancashire
    join(client, {**DETAILS, "postcode": "FY3 7AA"}, place_id=str(lancashire.id))
    assert session.scalar(sa.select(Member)).place_id == lancashire.id


def test_forged_place_id_is_a_field_error(client):
    client.get("/join")
    client.post("/join/your-details", data=DETAILS)
    response = client.post(
        "/join/where-you-live", data={"place_id": "99999", "neighbourhood_id": "424242"}
    )
    assert response.status_code == 200 and "There is a problem" in response.text


def test_skipping_ahead_goes_back_to_the_first_unfinished_step(client):
    client.get("/join")
    assert client.get("/join/check-your-answers").location.endswith("/join/your-details")


def test_tampered_and_expired_confirmation_links_are_refused(
    client, app, session, outbox, monkeypatch
):
    assert client.get("/join/confirm/tampered").status_code == 400
    join(client)
    link = _confirm_link(outbox()[0])
    import itsdangerous.timed

    real_now = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(
        itsdangerous.timed.TimestampSigner,
        "get_timestamp",
        lambda self: real_now(self) + 8 * 24 * 3600,
    )
    response = client.post(link)
    assert response.status_code == 400 and "This link has expired" in response.text


def test_unconfirmed_signups_are_deleted_after_seven_days_and_the_job_is_idempotent(session, now):
    old = make_member(
        session, status=MemberStatus.PENDING, joined_at=None, created_at=now - timedelta(days=8)
    )
    fresh = make_member(
        session, status=MemberStatus.PENDING, joined_at=None, created_at=now - timedelta(days=2)
    )
    active = make_member(session, created_at=now - timedelta(days=30))
    assert purge_unconfirmed(session, now) == 1
    assert purge_unconfirmed(session, now) == 0
    remaining = set(session.scalars(sa.select(Member.id)))
    assert old.id not in remaining and {fresh.id, active.id} <= remaining


def test_recruitment_source_link_is_recorded(client, session, login_as):
    from panel.members.models import RecruitmentSource

    source = RecruitmentSource(name="Healthwatch Blackpool")
    session.add(source)
    session.commit()
    start = client.get(f"/join?source={source.code}").text
    # The code travels in the "Start now" link and a hidden field, not in anything stored.
    step_one = re.search(r'href="(/join/your-details\?source=[^"]+)"', start).group(1)
    hidden = re.search(r'name="source" type="hidden" value="([^"]*)"', client.get(step_one).text)
    assert hidden.group(1) == source.code
    client.post("/join/your-details", data={**DETAILS, "source": hidden.group(1)})
    page = client.get("/join/where-you-live")
    place_id = shown_place_id(page.text)
    client.post("/join/where-you-live", data={"place_id": place_id, "neighbourhood_id": "0"})
    client.post(
        "/join/about-you",
        data={"age_band": "25-34", "preferred_format": "standard", "language": "en"},
    )
    client.post("/join/equality", data={"skip": "1"})
    client.post("/join/check-your-answers", data={"tracking_consent": "no", "agree": "y"})
    run_email_requests()
    assert session.scalar(sa.select(Member)).recruitment_source_id == source.id


JOIN_PAGES = [
    "/join",
    "/join?source=abcDEF123_-x",
    "/join?source=%00%3Cscript%3E",
    "/join/your-details",
    "/join/your-details?source=abcDEF123_-x",
    "/join/where-you-live",
    "/join/about-you",
    "/join/equality",
    "/join/check-your-answers",
    "/join/check-your-email",
]


def _everything_stored(session) -> dict[str, list]:
    """Every row of every table, so a GET that changed anything at all shows."""
    from panel.database import Base

    session.expire_all()
    return {
        table.name: [
            tuple(row) for row in session.execute(sa.select(table).order_by(*table.primary_key))
        ]
        for table in Base.metadata.sorted_tables
    }


def test_reading_the_join_pages_stores_nothing(client, session):
    """Before any step is submitted, and again part way through: no GET writes a row."""
    for stage in ("fresh visitor", "after the first step", "after the second step"):
        if stage == "after the first step":
            assert client.post("/join/your-details", data=DETAILS).status_code == 302
        elif stage == "after the second step":
            page = client.get("/join/where-you-live").text
            place_id = shown_place_id(page)
            client.post(
                "/join/where-you-live", data={"place_id": place_id, "neighbourhood_id": "0"}
            )
        before = _everything_stored(session)
        for url in JOIN_PAGES:
            assert client.get(url, follow_redirects=True).status_code == 200, (stage, url)
        assert _everything_stored(session) == before, stage
        if stage == "fresh visitor":
            assert before["join_drafts"] == []


def test_names_are_escaped_in_emails_and_pages(client, outbox):
    join(client, {**DETAILS, "first_name": "<script>alert(1)</script>"})
    [message] = outbox()
    assert "<script>alert(1)" not in message.html_body
    assert "&lt;script&gt;" in message.html_body
    client.post(_confirm_link(message))
    page = client.get("/my-panel/")
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
