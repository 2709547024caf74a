"""Members' activity and attrition (issue 26 point 2): the inactivity cycle with the clock moved
forward, coming back, bounces marking an address unreachable, and group contact caps honoured
by the invitation paths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mailer.events.services import ingest_events
from mailer.models import OutboundEmail
from mailer.suppression import is_suppressed
from panel.activity import figures, inactivity
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.models import Member, MemberStatus
from panel.members.services import signing_in
from panel.members.services.links import magic_link_token
from panel.segments.definition import empty_definition
from panel.segments.models import ContactKind, GroupContactCap, MemberContact
from panel.segments.services import fatigue
from panel.segments.services.segments import members_matching
from surveys.fieldwork import invitations
from tests.factories import make_member, make_staff
from tests.surveys.fieldwork_helpers import live_survey

pytestmark = pytest.mark.usefixtures("app")


def _ids(session, query) -> set[int]:
    return set(session.scalars(query.with_only_columns(Member.id)))


def _audits(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_inactivity_cycle_asks_waits_moves_only_the_silent_and_lets_them_come_back(
    session, client, now
):
    comms = make_staff(session, Role.COMMS)
    long_ago = now - timedelta(days=400)
    silent = make_member(session, joined_at=long_ago, created_at=long_ago)
    answers = make_member(session, joined_at=long_ago, created_at=long_ago)
    recent = make_member(session, joined_at=now - timedelta(days=30))
    answered_lately = make_member(session, joined_at=long_ago, created_at=long_ago)
    session.add(
        MemberContact(
            member_id=answered_lately.id,
            kind=ContactKind.SURVEY_RESPONSE,
            at=now - timedelta(days=20),
        )
    )
    make_member(session, joined_at=long_ago, unsubscribed_at=long_ago)  # cannot be asked
    session.commit()

    check = inactivity.check_round(session, now)
    assert set(check.member_ids) == {silent.id, answers.id}
    asked = inactivity.start_round(session, comms, now, check.fingerprint)
    session.commit()
    assert asked == 2
    emails = session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.kind == "member_still_interested")
    ).all()
    assert {e.member_id for e in emails} == {silent.id, answers.id}
    assert silent.interest_deadline == now + timedelta(days=30)
    # Asked once: a second round the same day asks no one again.
    assert inactivity.check_round(session, now).recipients == 0

    # Ten days on, one of them says "yes, keep me" from the email: GET shows a button only.
    link = re.search(r"/still-interested/\S+", inactivity.keep_url(answers))[0]
    assert client.get(link).status_code == 200
    session.refresh(answers)
    assert answers.interest_deadline is not None
    inactivity.keep_member(session, link.rsplit("/", 1)[1], now + timedelta(days=10))
    session.commit()
    assert answers.interest_deadline is None and answers.last_seen_at is not None

    # Before the deadline the job moves no one; the page's count says who it will move.
    assert inactivity.move_unanswered_to_inactive(session, now + timedelta(days=29)) == 0
    status = inactivity.round_status(session, now + timedelta(days=31))
    assert (status.waiting, status.due_now) == (0, 1)
    assert inactivity.move_unanswered_to_inactive(session, now + timedelta(days=31)) == 1
    assert inactivity.move_unanswered_to_inactive(session, now + timedelta(days=31)) == 0
    session.commit()
    session.refresh(silent)
    assert silent.status is MemberStatus.INACTIVE and silent.email  # kept, not erased
    assert [a.object_ids for a in _audits(session, "members.inactive")] == [str(silent.id)]
    assert inactivity.round_status(session, now + timedelta(days=31)).inactive == 1
    # Not invited, not asked again, not in any selection; everyone else untouched.
    everyone = _ids(session, members_matching(session, empty_definition(), comms, now))
    assert silent.id not in everyone and {answers.id, recent.id} <= everyone

    # They come back with the same link, weeks later, without signing in.
    back = re.search(r"/still-interested/\S+", inactivity.keep_url(silent))[0]
    assert "Yes, keep me on the panel" in client.get(back).text
    assert "you are staying" in client.post(back).text
    session.refresh(silent)
    assert silent.status is MemberStatus.ACTIVE and silent.inactive_at is not None
    assert _audits(session, "members.came_back")


def test_an_inactive_member_signing_in_is_active_again(session, now):
    member = make_member(session, status=MemberStatus.INACTIVE, inactive_at=now)
    session.commit()
    signed_in = signing_in.use_magic_link(session, magic_link_token(member), now)
    assert signed_in.status is MemberStatus.ACTIVE and signed_in.last_seen_at == now


def test_answering_a_survey_after_being_asked_counts_as_an_answer(session, now):
    comms = make_staff(session, Role.COMMS)
    member = make_member(session, joined_at=now - timedelta(days=400))
    session.commit()
    inactivity.start_round(session, comms, now, inactivity.check_round(session, now).fingerprint)
    session.add(
        MemberContact(
            member_id=member.id, kind=ContactKind.SURVEY_RESPONSE, at=now + timedelta(days=3)
        )
    )
    assert inactivity.move_unanswered_to_inactive(session, now + timedelta(days=40)) == 0
    assert member.status is MemberStatus.ACTIVE and member.interest_deadline is None


def test_a_bounce_or_complaint_from_the_webhook_marks_the_address_unreachable(
    session, client, outbox, now
):
    bounced, complained = make_member(session), make_member(session)
    session.commit()
    client.post("/my-panel/sign-in", data={"email": bounced.email})
    link = re.search(r"http://panel\.test(/my-panel/link/\S+)", outbox()[-1].text_body)[1]
    assert client.post(link).status_code == 302
    events = [
        {"event": "bounce", "email": bounced.email, "timestamp": 1_790_000_000, "type": "bounce"},
        {"event": "spamreport", "email": complained.email.upper(), "timestamp": 1_790_000_001},
    ]
    ingest_events(session, events, now)
    session.commit()
    assert (bounced.unreachable_reason, complained.unreachable_reason) == ("bounced", "complained")
    assert bounced.unreachable_at == now and complained.unsubscribed_at == now
    # The member area asks them to check their details, and a bounced address can be retried.
    home = client.get("/my-panel/")
    assert "Please check your details" in home.text and "undelivered" in home.text
    client.post("/my-panel/try-my-address-again")
    session.refresh(bounced)
    assert bounced.unreachable_at is None and not is_suppressed(session, bounced.email)
    assert is_suppressed(session, complained.email)  # a complaint is never lifted here


def test_a_group_cap_skips_its_members_on_every_invitation_path_and_no_one_else(
    session, client, login_as, now
):
    comms = make_staff(session, Role.COMMS)
    young = [make_member(session, age_band="16-24") for _ in range(2)]
    older = make_member(session, age_band="45-54")
    for member in (young[0], older):
        fatigue.record_invitations(session, [member.id], 1, now - timedelta(days=20))
    login_as(comms)
    session.commit()
    assert "Groups with their own cap" in client.get("/staff/segments/contact-rules").text
    refused = client.post(
        "/staff/segments/contact-rules/groups",
        data={"cap-group": "age_band:nope", "cap-max_invitations": "1", "cap-window_days": "9"},
    )
    assert refused.status_code == 422 and "Choose a group from the list" in refused.text
    saved = client.post(
        "/staff/segments/contact-rules/groups",
        data={
            "cap-group": "age_band:16-24",
            "cap-max_invitations": "1",
            "cap-window_days": "60",
            "cap-reason": "Asked by every programme",
        },
    )
    assert saved.status_code == 302
    caps = fatigue.group_caps(session)
    assert [(c.field, c.value) for c in caps] == [("age_band", "16-24")]
    query = members_matching(session, empty_definition(), comms, now)
    eligible = _ids(session, fatigue.contactable(query, fatigue.contact_rules(session), now, caps))
    assert eligible == {young[1].id, older.id}
    counts = fatigue.target_counts(session, query, now)
    assert (counts.matched, counts.skipped) == (3, 1)
    survey, author = live_survey(session, now)
    invitable = _ids(session, invitations.eligible_members(session, survey, author, now))
    assert invitable == {young[1].id, older.id}
    assert session.scalar(sa.select(sa.func.count(GroupContactCap.id))) == 1


def test_the_member_record_and_activity_page_count_invitations_and_answers(
    session, client, login_as, now
):
    comms = make_staff(session, Role.COMMS)
    member = make_member(session)
    for days, kind in ((40, ContactKind.SURVEY_INVITATION), (30, ContactKind.SURVEY_INVITATION)):
        session.add(MemberContact(member_id=member.id, kind=kind, at=now - timedelta(days=days)))
    session.add(
        MemberContact(
            member_id=member.id, kind=ContactKind.SURVEY_RESPONSE, at=now - timedelta(days=29)
        )
    )
    session.commit()
    activity = figures.member_activity(session, member)
    assert (activity.invitations, activity.responses) == (2, 1)
    assert activity.last_activity_at == max(now - timedelta(days=29), member.joined_at)
    total, rows = figures.response_rates(session, comms, now)
    assert (total.invitations, total.responses, total.rate) == (2, 1, 0.5)
    login_as(comms)
    record = client.get(f"/staff/members/{member.id}")
    assert "Survey invitations received" in record.text
    page = client.get("/staff/activity/?by=age_band")
    assert page.status_code == 200 and "50.0%" in page.text
