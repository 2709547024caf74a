"""The member's own controls: magic link, details, pause, equality, data export, leaving, and
unsubscribing (including the RFC 8058 one-click POST)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mailer.models import EmailSuppression, OutboundEmail
from mailer.suppression import email_hash
from panel.members.models import ConsentKind, EqualityProfile, Member, MemberStatus
from panel.members.services.links import unsubscribe_token
from panel.members.services.member_area import ERASURE_STEPS, MEMBER_DATA_SECTIONS
from tests.factories import make_member, place


def _sign_in(client, member, outbox):
    client.post("/my-panel/sign-in", data={"email": member.email.upper()})
    link = re.search(r"http://panel\.test(/my-panel/link/\S+)", outbox()[-1].text_body).group(1)
    assert client.post(link).status_code == 302
    return link


def test_magic_link_signs_in_once(client, session, outbox):
    member = make_member(session)
    session.commit()
    link = _sign_in(client, member, outbox)
    assert "Your member area" in client.get("/my-panel/").text
    other = client.application.test_client()
    assert other.post(link).status_code == 400  # used already


def test_magic_link_request_looks_the_same_for_strangers(client, session, outbox):
    member = make_member(session)
    session.commit()
    known = client.post("/my-panel/sign-in", data={"email": member.email}).text
    unknown = client.post("/my-panel/sign-in", data={"email": "stranger@example.com"}).text
    strip = lambda html: re.sub(r'nonce="[^"]+"', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert [m.to_email for m in outbox()] == [member.email]


def test_member_area_needs_a_signed_in_member(client):
    assert client.get("/my-panel/").location.endswith("/my-panel/sign-in")
    assert client.get("/my-panel/your-data.json").status_code == 302


def test_member_edits_details_and_pauses_invitations(client, session, outbox):
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)
    lancashire = place(session, "lancashire")
    response = client.post(
        "/my-panel/details",
        data={
            "first_name": "New",
            "last_name": "Name",
            "postcode": "pr1 2aa",
            "place_id": str(lancashire.id),
            "neighbourhood_id": "0",
            "age_band": "65-74",
            "topics": ["cancer"],
            "preferred_format": "large_print",
            "language": "pl",
        },
    )
    assert response.status_code == 302
    client.post("/my-panel/pause", data={"months": "3", "bulletin_months": "keep"})
    session.expire_all()
    member = session.get(Member, member.id)
    assert (member.first_name, member.postcode, member.place_id) == (
        "New",
        "PR1 2AA",
        lancashire.id,
    )
    assert member.paused_until is not None
    client.post("/my-panel/pause", data={"months": "0", "bulletin_months": "keep"})
    session.expire_all()
    assert session.get(Member, member.id).paused_until is None


def test_bad_details_keep_what_was_typed(client, session, outbox):
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)
    response = client.post(
        "/my-panel/details", data={"first_name": "Kept", "last_name": "", "postcode": "nonsense"}
    )
    assert response.status_code == 200
    assert "Enter your last name" in response.text and 'value="Kept"' in response.text


def test_withdrawing_equality_consent_deletes_the_answers_at_once(client, session, outbox):
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)
    client.post("/my-panel/equality", data={"religion": "sikh", "consent": "y"})
    session.expire_all()
    assert session.get(EqualityProfile, member.id).religion == "sikh"
    keep_without_consent = client.post("/my-panel/equality", data={"religion": "sikh"})
    assert "Tick the box to let us keep your answers" in keep_without_consent.text
    client.post("/my-panel/equality", data={"religion": "sikh", "delete": "1"})
    session.expire_all()
    assert session.get(EqualityProfile, member.id) is None
    kinds = [(c.kind, c.given) for c in session.get(Member, member.id).consents]
    assert (ConsentKind.SPECIAL_CATEGORY, False) in kinds


def test_data_export_covers_every_table_that_refers_to_the_member(client, session, outbox, app):
    member = make_member(session, equality=EqualityProfile(sex="female"))
    session.commit()
    _sign_in(client, member, outbox)
    data = client.get("/my-panel/your-data.json").json
    assert data["profile"]["email"] == member.email
    assert data["equality_monitoring"]["sex"] == "Female"
    assert data["emails_sent_to_you"][0]["subject"].startswith("Your link")
    metadata = app.extensions["sqlalchemy"].metadata
    referring = {
        fk.parent.table.name
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "members"
    }
    exported = {t for section in MEMBER_DATA_SECTIONS for t in section.tables}
    erased = {t for step in ERASURE_STEPS for t in step.tables}
    # equality and consents go with the member row itself at erasure (cascade / kept as record)
    assert referring <= exported, f"export misses {referring - exported}"
    assert referring - {"member_equality", "consent_records"} <= erased, (
        f"erasure misses {referring - erased}"
    )
    assert client.get("/my-panel/your-data").status_code == 200


def test_leaving_erases_personal_data_and_suppresses_the_address(client, session, outbox):
    member = make_member(session, equality=EqualityProfile(sex="male"), postcode="BB1 1AA")
    email = member.email
    session.commit()
    _sign_in(client, member, outbox)
    refused = client.post("/my-panel/leave", data={})
    assert "Choose yes to leave the panel, or no to stay" in refused.text
    assert "You have left the panel" in client.post("/my-panel/leave", data={"leave": "yes"}).text
    session.expire_all()
    member = session.get(Member, member.id)
    assert member.status is MemberStatus.LEFT
    assert (member.email, member.first_name, member.last_name, member.postcode) == (None,) * 4
    assert session.get(EqualityProfile, member.id) is None
    stored = session.scalars(
        sa.select(
            OutboundEmail.to_email,
        )
    ).all()
    assert email not in stored and "(removed)" in stored
    assert session.get(EmailSuppression, email_hash(email)) is not None
    assert client.get("/my-panel/").status_code == 302  # signed out
    client.post("/my-panel/sign-in", data={"email": email})
    assert len(outbox()) == 1  # no new link for a former member


@pytest.mark.parametrize("answer", ["no", "n", "false", "y", "on", "YES", ""])
def test_any_answer_but_yes_keeps_the_member(client, session, outbox, answer):
    member = make_member(session, equality=EqualityProfile(sex="male"))
    details = (member.email, member.first_name, member.postcode)
    session.commit()
    _sign_in(client, member, outbox)
    response = client.post("/my-panel/leave", data={"leave": answer})
    if answer == "no":
        assert response.status_code == 302 and response.location.endswith("/my-panel/")
        assert "You are still on the panel" in client.get("/my-panel/").text
    else:  # not one of the answers offered: asked again, nothing done
        assert response.status_code == 200 and "There is a problem" in response.text
    session.expire_all()
    kept = session.get(Member, member.id)
    assert kept.status is MemberStatus.ACTIVE
    assert (kept.email, kept.first_name, kept.postcode) == details
    assert session.get(EqualityProfile, member.id) is not None
    assert client.get("/my-panel/").status_code == 200  # still signed in


def test_unsubscribe_get_changes_nothing_and_one_click_post_suppresses(client, session, outbox):
    member = make_member(session)
    session.commit()
    token = unsubscribe_token(member)
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    session.expire_all()
    assert session.get(Member, member.id).unsubscribed_at is None
    fresh = client.application.test_client(use_cookies=False)
    response = fresh.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    session.expire_all()
    assert session.get(Member, member.id).unsubscribed_at is not None
    client.post("/my-panel/sign-in", data={"email": member.email})
    assert outbox() == []  # suppressed: nothing is sent, by any path


def test_forged_unsubscribe_token_is_404_without_side_effects(client, session):
    make_member(session)
    session.commit()
    assert (
        client.post("/unsubscribe/forged", data={"List-Unsubscribe": "One-Click"}).status_code
        == 404
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(EmailSuppression)) == 0


def test_member_resubscribes_from_the_member_area(client, session, outbox):
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)
    client.post(f"/unsubscribe/{unsubscribe_token(member)}")
    session.expire_all()
    assert session.get(Member, member.id).unsubscribed_at is not None
    client.post("/my-panel/emails", data={"resubscribe": "1"})
    session.expire_all()
    assert session.get(Member, member.id).unsubscribed_at is None
    assert session.get(EmailSuppression, email_hash(member.email)) is None


def test_invitations_and_bulletin_are_paused_separately(client, session, outbox, now):
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)
    page = client.get("/my-panel/pause").text
    assert "Survey invitations" in page and "The panel bulletin" in page

    client.post("/my-panel/pause", data={"months": "3", "bulletin_months": "keep"})
    session.expire_all()
    member = session.get(Member, member.id)
    assert member.paused_until is not None and member.bulletin_paused_until is None
    invitations_until = member.paused_until

    client.post("/my-panel/pause", data={"months": "keep", "bulletin_months": "1"})
    session.expire_all()
    member = session.get(Member, member.id)
    assert member.paused_until == invitations_until  # "No change" left it alone
    assert member.bulletin_paused_until is not None

    client.post("/my-panel/pause", data={"months": "keep", "bulletin_months": "0"})
    session.expire_all()
    member = session.get(Member, member.id)
    assert member.bulletin_paused_until is None and member.paused_until == invitations_until


def test_a_pause_choice_left_out_is_asked_for_and_nothing_changes(client, session, outbox):
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)
    response = client.post("/my-panel/pause", data={"months": "3"})
    assert response.status_code == 200
    assert "Choose what to do with the bulletin" in response.text
    assert 'value="3" checked' in response.text  # what was chosen is kept
    session.expire_all()
    assert session.get(Member, member.id).paused_until is None
