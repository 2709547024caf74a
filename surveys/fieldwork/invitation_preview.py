"""The checks before a survey's invitations or reminders go: how many people they reach (after
contact caps, pauses, earlier emails and the suppression list), where they live, and the email
exactly as it will arrive, with examples in place of the name and links (the page shows no one's
details). The confirm step sends only if the people are still those the page counted.

The same rendering queues the real emails, so what the page shows is what people get.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.members.mail_check import (
    EXAMPLE_TOKEN,
    MailCheck,
    audit_confirmation,
    check_mail,
    example_email,
    example_url,
    require_unchanged,
    send_test,
)
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from surveys.emails.models import EmailKind
from surveys.emails.wording import message_for
from surveys.fieldwork import invitations
from surveys.fieldwork.invitations import (
    InvitationError,
    eligible_members,
    survey_email_context,
)
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import Survey, SurveyStatus

__all__ = ["EXAMPLE_TOKEN", "example_email_for", "preview_invitation", "preview_reminder"]

TEMPLATES = {"invite": "survey_invitation", "remind": "survey_reminder"}
KINDS = {"invite": EmailKind.INVITATION, "remind": EmailKind.REMINDER}


def _example_context(session: Session, kind: str, survey: Survey) -> dict:
    return {
        "survey": survey,
        "message": message_for(session, survey, KINDS[kind]),
        "survey_url": example_url("s"),
    }


def example_email_for(session: Session, kind: str, survey: Survey):
    """The invitation or reminder as it will arrive (with the survey's own wording), with an
    example name and example links."""
    return example_email(TEMPLATES[kind], _example_context(session, kind, survey))


def preview_invitation(session: Session, survey: Survey, user: StaffUser, now: datetime, only=None):
    """How many people the invitation would reach now (of the audience, or of ``only``, a
    select() of member ids), by place, and the email. Raises InvitationError when it cannot
    go out."""
    rows = session.execute(
        eligible_members(session, survey, user, now, only)
        .with_only_columns(Member.id, Member.email, Member.place_id)
        .order_by(None)
    ).all()
    return check_mail(
        session, rows, example_email_for(session, "invite", survey), TEMPLATES["invite"]
    )


@dataclass(frozen=True)
class PlannedReminder:
    """The reminder the survey's plan will send: when, and to at most how many people."""

    due_at: datetime
    at_most: int


def planned_reminder(session: Session, survey: Survey, check: MailCheck) -> PlannedReminder | None:
    """The plan's reminder, shown on the invitation check page so that confirming the
    invitations also confirms it (the fieldwork job sends it on the day, to the people invited
    who have not answered by then); None when the plan has no reminder. The plan cannot change
    once the survey is live, so what the page shows is what the job sends."""
    if not survey.reminder_days or survey.closes_at is None:
        return None
    earlier = session.scalar(
        sa.select(sa.func.count(Invitation.id)).where(
            Invitation.survey_id == survey.id,
            Invitation.channel == "email",
            Invitation.reminded_at.is_(None),
        )
    )
    due_at = survey.closes_at - timedelta(days=survey.reminder_days)
    return PlannedReminder(due_at, check.recipients + (earlier or 0))


def invite_checked(
    session: Session,
    survey: Survey,
    user: StaffUser,
    expected: str | None,
    now: datetime,
    only=None,
    note: str = "",
):
    """Invite, if the people are those the check page counted (``expected``, its fingerprint).
    Raises AudienceChanged or InvitationError. ``only`` as for preview_invitation; ``note``
    says who they are in the audit row."""
    check = preview_invitation(session, survey, user, now, only)
    require_unchanged(check, expected)
    reminder = planned_reminder(session, survey, check)
    result = invitations.invite(session, survey, user, now, only)
    planned = (
        f"with the planned reminder on {reminder.due_at:%Y-%m-%d %H:%M} UTC "
        f"to at most {reminder.at_most}"
        if reminder
        else ""
    )
    note = "; ".join(part for part in (note, planned) if part)
    audit_confirmation(
        session, user, "survey.invite_confirmed", "survey", survey.id, check.recipients, now, note
    )
    return result


def _unreminded(survey: Survey, now: datetime):
    """Invitations emailed, not yet reminded and not answered, of members who may be emailed."""
    submitted = sa.select(SurveyResponse.invitation_id).where(
        SurveyResponse.status == ResponseStatus.SUBMITTED,
        SurveyResponse.invitation_id.is_not(None),
    )
    return (
        sa.select(Invitation, Member)
        .join(Member, Member.id == Invitation.member_id)
        .where(
            Invitation.survey_id == survey.id,
            Invitation.emailed_at.is_not(None),
            Invitation.reminded_at.is_(None),
            Invitation.id.not_in(submitted),
            Member.status == MemberStatus.ACTIVE,
            Member.unsubscribed_at.is_(None),
            sa.or_(Member.paused_until.is_(None), Member.paused_until <= now),
        )
        .order_by(Invitation.id)
    )


def _check_live(survey: Survey, now: datetime) -> None:
    if survey.status is not SurveyStatus.LIVE or survey.closes_at <= now:
        raise InvitationError("Reminders go only while the survey is open")


def preview_reminder(session: Session, survey: Survey, now: datetime) -> MailCheck:
    """Who a reminder would reach now (invited, not answered, not reminded, not paused), by
    place, and the email. Raises InvitationError when the survey is not open."""
    _check_live(survey, now)
    rows = session.execute(
        _unreminded(survey, now).with_only_columns(Member.id, Member.email, Member.place_id)
    ).all()
    return check_mail(
        session, rows, example_email_for(session, "remind", survey), TEMPLATES["remind"]
    )


def remind_checked(
    session: Session, survey: Survey, user: StaffUser, expected: str | None, now: datetime
) -> int:
    """Queue the reminder to the people the check page counted; returns how many (audited).
    Raises AudienceChanged or InvitationError."""
    check = preview_reminder(session, survey, now)
    require_unchanged(check, expected)
    links = PersonalLinks(current_app.config["SECRET_KEY"])
    reachable = set(check.member_ids)
    message = message_for(session, survey, EmailKind.REMINDER)
    sent = 0
    for invitation, member in session.execute(_unreminded(survey, now)).all():
        if member.id in reachable:
            queued = queue_member_email(
                session,
                member,
                template=TEMPLATES["remind"],
                context=survey_email_context(survey, member, message, links),
                idempotency_key=f"survey-reminder:{invitation.id}",
                now=now,
            )
            sent += queued is not None
        invitation.reminded_at = now
    audit_confirmation(session, user, "survey.remind", "survey", survey.id, sent, now)
    return sent


def send_test_email(session: Session, kind: str, survey: Survey, user: StaffUser, now: datetime):
    """Queue the example invitation or reminder to the staff user themselves (audited)."""
    send_test(
        session,
        user,
        template=TEMPLATES[kind],
        context=_example_context(session, kind, survey),
        action=f"survey.{kind}_test",
        object_type="survey",
        object_id=survey.id,
        now=now,
    )
