"""Inviting the panel (or a segment) to a live survey within the contact caps, the invitation
and reminder emails sent by scheduled jobs, open links, and closing surveys on time."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from panel.segments.definition import empty_definition
from panel.segments.models import ContactKind, MemberContact
from panel.segments.services.fatigue import contact_rules, contactable, group_caps
from panel.segments.services.segments import members_matching, segment_member_query
from panel.segments.services.special_category import SpecialCategoryRefused, Use
from surveys.emails.models import EmailKind
from surveys.emails.wording import PreparedMessage, message_for
from surveys.fieldwork.models import Invitation, OpenLink, ResponseStatus, SurveyResponse
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import AudienceKind, Survey, SurveyStatus
from surveys.services import lifecycle

logger = logging.getLogger(__name__)
EMAIL_BATCH = 500


class InvitationError(ValueError):
    """The invitation cannot go out; the message says why."""


@dataclass
class InviteResult:
    """How many members the invitation matched, skipped under the contact rules, and invited."""

    matched: int
    skipped: int
    invited: int


def audience_query(session: Session, survey: Survey, user: StaffUser, now: datetime, only=None):
    """Active members the survey is for, within the survey's place and the user's places.
    Raises InvitationError (also when the equality-data rule refuses the segment to ``user``).

    ``only``, a select() of member ids (for example the people who attended an event), makes
    those members the audience instead, still within the user's places."""
    if only is not None:
        return members_matching(session, empty_definition(), user, now).where(Member.id.in_(only))
    if survey.audience is AudienceKind.PUBLIC:
        raise InvitationError("This survey is for the public: share its open links instead")
    if survey.audience is AudienceKind.SEGMENT:
        if survey.segment is None:
            raise InvitationError("The segment this survey was for no longer exists")
        try:
            query = segment_member_query(session, survey.segment, user, now, use=Use.SURVEY)
        except SpecialCategoryRefused as error:
            raise InvitationError(str(error)) from error
    else:
        query = members_matching(session, empty_definition(), user, now)
    if survey.place_id is not None:
        query = query.where(Member.place_id == survey.place_id)
    return query


def already_invited(survey: Survey):
    """The members invited to the survey before (a subquery of member ids)."""
    return sa.select(Invitation.member_id).where(
        Invitation.survey_id == survey.id, Invitation.member_id.is_not(None)
    )


def eligible_members(session: Session, survey: Survey, user: StaffUser, now: datetime, only=None):
    """Members an invitation would go to now: the audience (or ``only``), less those the contact
    rules skip and those invited before. Raises InvitationError."""
    query = audience_query(session, survey, user, now, only).order_by(None)
    return contactable(query, contact_rules(session), now, group_caps(session)).where(
        Member.id.not_in(already_invited(survey))
    )


def invite(
    session: Session, survey: Survey, user: StaffUser, now: datetime, only=None
) -> InviteResult:
    """Invite everyone in the audience (or ``only``) who may be contacted now and was not
    invited before; the emails go out from the invitation job. Raises InvitationError."""
    if survey.status is not SurveyStatus.LIVE:
        raise InvitationError("Publish the survey before inviting people")
    if survey.closes_at is not None and survey.closes_at <= now:
        raise InvitationError("The survey has closed")
    query = audience_query(session, survey, user, now, only).order_by(None)

    def count(statement) -> int:
        return session.scalar(statement.with_only_columns(sa.func.count(Member.id))) or 0

    already = already_invited(survey)
    eligible = eligible_members(session, survey, user, now, only)
    matched, before = count(query), count(query.where(Member.id.in_(already)))
    invited = count(eligible)
    session.execute(
        sa.insert(Invitation).from_select(
            ["survey_id", "member_id", "place_id", "invited_at", "channel"],
            eligible.with_only_columns(
                sa.literal(survey.id),
                Member.id,
                Member.place_id,
                sa.literal(now),
                sa.literal("email"),
            ),
        )
    )
    new = sa.select(Invitation.member_id).where(
        Invitation.survey_id == survey.id, Invitation.invited_at == now
    )
    session.execute(
        sa.insert(MemberContact).from_select(
            ["member_id", "kind", "reference_id", "at"],
            new.with_only_columns(
                Invitation.member_id,
                sa.literal(ContactKind.SURVEY_INVITATION.value),
                sa.literal(survey.id),
                sa.literal(now),
            ),
        )
    )
    skipped = matched - before - invited
    record_audit(
        session, user, "survey.invite", "survey", [survey.id], f"{invited} invited", now=now
    )
    return InviteResult(matched, skipped, invited)


def personal_url(links: PersonalLinks, survey_id: int, member_id: int) -> str:
    """The member's personal address for the survey."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/s/{links.make(survey_id, member_id)}"


def survey_email_context(
    survey: Survey, member: Member, message: PreparedMessage, links: PersonalLinks
) -> dict:
    """What the invitation and reminder templates need for one member (``message`` is the
    survey's wording, prepared once per send)."""
    return {
        "first_name": member.first_name,
        "survey": survey,
        "message": message,
        "survey_url": personal_url(links, survey.id, member.id),
    }


def _queue(session, survey, member, template, key, links, message, now) -> None:
    queue_member_email(
        session,
        member,
        template=template,
        context=survey_email_context(survey, member, message, links),
        idempotency_key=key,
        now=now,
    )


def send_invitation_emails(session: Session, now: datetime) -> int:
    """Queue the invitation email of up to EMAIL_BATCH invitations (the fieldwork job's step; it
    commits). Idempotent."""
    links = PersonalLinks(current_app.config["SECRET_KEY"])
    rows = session.execute(
        sa.select(Invitation, Survey, Member)
        .join(Survey, Survey.id == Invitation.survey_id)
        .join(Member, Member.id == Invitation.member_id)
        .where(Invitation.channel == "email", Invitation.emailed_at.is_(None))
        .limit(EMAIL_BATCH)
    ).all()
    messages: dict[int, PreparedMessage] = {}
    for invitation, survey, member in rows:
        still_running = survey.status is SurveyStatus.LIVE and survey.closes_at > now
        if still_running and member.status is MemberStatus.ACTIVE and not member.unsubscribed_at:
            if survey.id not in messages:
                messages[survey.id] = message_for(session, survey, EmailKind.INVITATION)
            _queue(
                session,
                survey,
                member,
                "survey_invitation",
                f"survey-invitation:{invitation.id}",
                links,
                messages[survey.id],
                now,
            )
        invitation.emailed_at = now
    return len(rows)


def send_reminders(session: Session, now: datetime) -> int:
    """One reminder, reminder_days before closing, to invited people who have not submitted
    (a step of the fieldwork job, which commits). Idempotent (reminded_at)."""
    links = PersonalLinks(current_app.config["SECRET_KEY"])
    submitted = sa.select(SurveyResponse.invitation_id).where(
        SurveyResponse.status == ResponseStatus.SUBMITTED,
        SurveyResponse.invitation_id.is_not(None),
    )
    due = session.execute(
        sa.select(Invitation, Survey, Member)
        .join(Survey, Survey.id == Invitation.survey_id)
        .join(Member, Member.id == Invitation.member_id)
        .where(
            Survey.status == SurveyStatus.LIVE,
            Survey.reminder_days.is_not(None),
            Survey.closes_at > now,
            Invitation.emailed_at.is_not(None),
            Invitation.reminded_at.is_(None),
            Invitation.id.not_in(submitted),
        )
        .limit(EMAIL_BATCH)
    ).all()
    sent = 0
    messages: dict[int, PreparedMessage] = {}
    for invitation, survey, member in due:
        if now < survey.closes_at - timedelta(days=survey.reminder_days):
            continue
        # Like the reminder check page: no reminder while the member has paused invitations.
        active = member.status is MemberStatus.ACTIVE and member.unsubscribed_at is None
        if active and not member.is_paused(now):
            if survey.id not in messages:
                messages[survey.id] = message_for(session, survey, EmailKind.REMINDER)
            _queue(
                session,
                survey,
                member,
                "survey_reminder",
                f"survey-reminder:{invitation.id}",
                links,
                messages[survey.id],
                now,
            )
            sent += 1
        invitation.reminded_at = now
    return sent


def close_due_surveys(session: Session, now: datetime) -> int:
    """Close live surveys whose closing time has passed (a step of the fieldwork job, which
    commits); anonymous surveys lose the link from each response to the person's invitation.
    Idempotent."""
    due = session.scalars(
        sa.select(Survey).where(Survey.status == SurveyStatus.LIVE, Survey.closes_at <= now)
    ).all()
    for survey in due:
        close_survey(session, survey, None, now)
    return len(due)


def close_survey(session: Session, survey: Survey, user: StaffUser | None, now: datetime):
    """Close the survey; an anonymous survey's answers lose their link to the invitations."""
    lifecycle.close(session, survey, user, now)
    if survey.anonymous:
        session.execute(
            sa.update(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
            .values(invitation_id=None)
        )


def create_open_link(
    session: Session, survey: Survey, user: StaffUser, source: str, now: datetime
) -> OpenLink:
    """Make an open link for the survey, named after where it will be shared (audited)."""
    source = source.strip()
    if not source:
        raise InvitationError("Say where this link will be shared, for example a partner's name")
    link = OpenLink(
        survey_id=survey.id, source=source[:120], code=secrets.token_urlsafe(9), created_at=now
    )
    session.add(link)
    session.flush()
    record_audit(session, user, "survey.open_link", "survey", [survey.id], source, now=now)
    return link


def open_links(session: Session, survey: Survey) -> list[OpenLink]:
    """The survey's open links, oldest first."""
    return list(
        session.scalars(
            sa.select(OpenLink).where(OpenLink.survey_id == survey.id).order_by(OpenLink.id)
        )
    )
