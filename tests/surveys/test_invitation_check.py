"""Invitations are checked before they go: the page says how many people will get the email
(after caps, pauses, earlier invitations and the do-not-email list), where they live, and shows
the email as it will arrive with examples for the name and links; a test goes to the sender
only; nothing goes out until the second click, and then exactly the people the page counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mailer.models import OutboundEmail, SuppressionReason
from mailer.suppression import suppress
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.fieldwork import invitations
from surveys.fieldwork.invitation_preview import EXAMPLE_TOKEN, preview_invitation
from surveys.fieldwork.models import Invitation
from tests.factories import make_member, make_staff
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


@pytest.fixture
def audience(session, real_now):
    """An ICB-wide survey; five members who will get it, one paused, one unsubscribed by
    bounce (on the do-not-email list), one invited before."""
    from panel.segments.services.fatigue import record_invitations

    survey, author = live_survey(session, real_now)
    will_get = [make_member(session, "blackpool") for _ in range(3)]
    will_get += [make_member(session, "south-cumbria") for _ in range(2)]
    paused = make_member(session, "blackpool", paused_until=real_now + timedelta(days=9))
    bounced = make_member(session, "lancashire")
    suppress(session, bounced.email, SuppressionReason.BOUNCED, real_now)
    before = make_member(session, "lancashire")
    session.add(
        Invitation(
            survey_id=survey.id,
            member_id=before.id,
            invited_at=real_now,
            channel="email",
            emailed_at=real_now,
        )
    )
    record_invitations(session, [before.id], survey.id, real_now)
    session.commit()
    return survey, author, will_get, paused, bounced


def test_the_check_counts_exactly_who_the_invitation_reaches(
    app, session, outbox, real_now, audience
):
    survey, author, will_get, paused, bounced = audience
    with app.test_request_context():
        preview = preview_invitation(session, survey, author, real_now)
    assert preview.recipients == 5 and preview.suppressed == 1
    assert dict(preview.by_place) == {"Blackpool": 3, "South Cumbria": 2}
    assert sum(people for _place, people in preview.by_place) == preview.recipients
    invitations.invite(session, survey, author, real_now)
    session.commit()
    invitations.send_invitation_emails(session, real_now)
    session.commit()
    sent = [m.to_email for m in outbox() if m.subject.startswith("Have your say")]
    assert sorted(sent) == sorted(member.email for member in will_get)
    assert len(sent) == preview.recipients


def test_the_email_shown_is_the_one_sent_with_examples_in_place_of_the_person(
    app, session, outbox, real_now, audience
):
    survey, author, will_get, _paused, _bounced = audience
    with app.test_request_context():
        shown = preview_invitation(session, survey, author, real_now).email
    invitations.invite(session, survey, author, real_now)
    invitations.send_invitation_emails(session, real_now)
    session.commit()
    real = next(m for m in outbox() if m.to_email == will_get[0].email)
    assert shown.subject == real.subject
    assert EXAMPLE_TOKEN in shown.text_body and f"Hello {will_get[0].first_name}" in real.text_body
    for member in will_get:  # the page names no one
        assert member.first_name not in shown.text_body and member.email not in shown.html_body
    # Line for line the same, but for the greeting and the two links.
    differing = [
        (a, b)
        for a, b in zip(shown.text_body.splitlines(), real.text_body.splitlines(), strict=True)
        if a != b
    ]
    assert len(differing) == 3 and all(EXAMPLE_TOKEN in a or "Sam" in a for a, _b in differing)


def test_nothing_is_sent_from_the_first_click_and_a_test_goes_only_to_the_sender(
    app, session, client, login_as, outbox, real_now, audience
):
    survey, author, will_get, _paused, _bounced = audience
    login_as(author)
    page = client.get(f"/staff/surveys/{survey.id}/invite")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "5 people will get this email" in text and "Send 5 invitations" in text
    assert "1 on the do-not-email list" in text and "Have your say" in text
    assert session.scalar(sa.select(sa.func.count(Invitation.id))) == 1  # only the earlier one
    html = client.get(f"/staff/surveys/{survey.id}/invite/email.html")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert "script-src" not in html.headers["Content-Security-Policy"]
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN" and EXAMPLE_TOKEN in html.text

    tested = client.post(f"/staff/surveys/{survey.id}/invite/test", follow_redirects=True)
    assert f"on its way to {author.email}" in tested.get_data(as_text=True)

    session.expire_all()
    assert session.scalar(sa.select(sa.func.count(Invitation.id))) == 1
    queued = session.scalars(
        sa.select(OutboundEmail.to_email).where(OutboundEmail.kind == "survey_invitation")
    ).all()
    assert queued == [author.email]
    audited = session.scalars(sa.select(AuditEvent.action)).all()
    assert "survey.invite_test" in audited

    with app.test_request_context():
        expected = preview_invitation(session, survey, author, real_now).fingerprint
    client.post(f"/staff/surveys/{survey.id}/invite", data={"expected": expected})
    session.expire_all()
    # The five, and the bounced member's invitation, which no email follows (as before).
    assert session.scalar(sa.select(sa.func.count(Invitation.id))) == 7


def test_observers_and_other_places_cannot_open_the_check(
    client, login_as, session, real_now, audience
):
    survey = audience[0]
    for user in (make_staff(session, Role.OBSERVER),):
        session.commit()
        login_as(user)
        assert client.get(f"/staff/surveys/{survey.id}/invite").status_code == 403
        assert client.post(f"/staff/surveys/{survey.id}/invite/test").status_code == 403


def test_the_reminder_check_counts_who_has_not_answered_and_sends_to_exactly_them(
    app, session, real_now
):
    from panel.members.mail_check import AudienceChanged
    from surveys.fieldwork.invitation_preview import preview_reminder, remind_checked
    from surveys.fieldwork.models import ResponseStatus, SurveyResponse

    survey, author = live_survey(session, real_now)
    members = {
        "waiting": [make_member(session, "blackpool"), make_member(session, "lancashire")],
        "answered": [make_member(session, "blackpool")],
        "paused": [make_member(session, "blackpool", paused_until=real_now + timedelta(days=2))],
        "bounced": [make_member(session, "lancashire")],
    }
    suppress(session, members["bounced"][0].email, SuppressionReason.BOUNCED, real_now)
    for group, people in members.items():
        for member in people:
            invitation = Invitation(
                survey_id=survey.id, member_id=member.id, invited_at=real_now, emailed_at=real_now
            )
            session.add(invitation)
            session.flush()
            if group == "answered":
                session.add(
                    SurveyResponse(
                        survey_id=survey.id,
                        invitation_id=invitation.id,
                        status=ResponseStatus.SUBMITTED,
                        started_at=real_now,
                        updated_at=real_now,
                        submitted_at=real_now,
                    )
                )
    session.commit()
    with app.test_request_context():
        check = preview_reminder(session, survey, real_now)
        assert (check.recipients, check.suppressed) == (2, 1)
        assert dict(check.by_place) == {"Blackpool": 1, "Lancashire": 1}
        with pytest.raises(AudienceChanged):
            remind_checked(session, survey, author, "2:not-the-same-people", real_now)
        assert remind_checked(session, survey, author, check.fingerprint, real_now) == 2
        session.commit()
        assert preview_reminder(session, survey, real_now).recipients == 0  # once only
        survey.reminder_days = 41  # nor does the planned reminder, due now, send a second one
        assert invitations.send_reminders(session, real_now) == 0
    reminders = session.scalars(
        sa.select(OutboundEmail.to_email).where(OutboundEmail.kind == "survey_reminder")
    ).all()
    assert sorted(reminders) == sorted(m.email for m in members["waiting"])


def test_a_planned_reminder_is_shown_and_confirmed_with_the_invitations(
    app, session, client, login_as, outbox, real_now, audience
):
    """The plan's reminder goes later without another click, so the invitations' check page
    shows it (when, to at most how many, the email) and the confirmation covers it; on the day
    it reaches no more people than the page said."""
    survey, author, will_get, _paused, bounced = audience
    survey.reminder_days = 3
    session.commit()
    login_as(author)
    text = client.get(f"/staff/surveys/{survey.id}/invite").get_data(as_text=True)
    assert "This also plans a reminder" in text and "at most 6 people" in text  # 5 + 1 before
    assert "Send 5 invitations and plan the reminder" in text
    assert f"/staff/surveys/{survey.id}/remind/email.html" in text
    reminder_email = client.get(f"/staff/surveys/{survey.id}/remind/email.html")
    assert reminder_email.status_code == 200 and EXAMPLE_TOKEN in reminder_email.text

    with app.test_request_context():
        expected = preview_invitation(session, survey, author, real_now).fingerprint
    client.post(f"/staff/surveys/{survey.id}/invite", data={"expected": expected})
    session.expire_all()
    detail = session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "survey.invite_confirmed")
    ).one()
    assert detail.startswith("5 recipients; with the planned reminder on ")
    assert detail.endswith("to at most 6")

    invitations.send_invitation_emails(session, real_now)
    session.commit()
    due = survey.closes_at - timedelta(days=3)
    invitations.send_reminders(session, due)
    session.commit()
    reminded = session.scalars(
        sa.select(OutboundEmail.to_email).where(OutboundEmail.kind == "survey_reminder")
    ).all()
    # the five invited here and the one invited before; not the bounced address
    assert len(reminded) == 6 and bounced.email not in reminded
    assert {m.email for m in will_get} < set(reminded)
