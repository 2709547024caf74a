"""Open registration: an event's organisers let anyone register on its public page, with a few
questions of the event's own. A registrant is an invitation without a member (name, address and
answers on the row), so places, the waiting list, the confirmation email with its calendar
entry, reminders and retention work for them exactly as for invited members."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.field_errors import FieldError
from panel.i18n import gettext
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState
from surveys.engagement_events.places import RepliesClosed, accept_invitation
from surveys.engagement_events.replies import check_needs_consent, tell_place

#: at most this many questions of the event's own, each at most QUESTION_LENGTH characters.
MAX_QUESTIONS = 5
QUESTION_LENGTH = 200
#: the longest answer kept to one question.
ANSWER_LENGTH = 1000
NAME_LENGTH = 200
EMAIL_LENGTH = 254


def _already_registered() -> str:
    """The kind refusal of a second registration, in the page's language."""
    return gettext(
        "This email address is already registered for this event. Your confirmation email "
        "has a link to give up your place if you cannot come."
    )


class RegistrationClosed(RepliesClosed):
    """The event takes no registrations (switched off, closed or cancelled)."""


class AlreadyRegistered(FieldError):
    """This address has already registered for this event."""

    field = "email"


@dataclass
class RegistrationFields:
    """What a person typed on an event's registration page."""

    name: str
    email: str
    answers: list[str] = field(default_factory=list)
    access_needs: str = ""
    dietary_needs: str = ""
    consent: bool = False
    language: str | None = None


def checked_questions(questions: list[str]) -> list[str]:
    """The event's questions without blank lines. Raises FieldError ("registration_questions")
    for more than MAX_QUESTIONS or one longer than QUESTION_LENGTH."""
    kept = [q.strip() for q in questions if q and q.strip()]
    if len(kept) > MAX_QUESTIONS:
        raise FieldError(f"Ask at most {MAX_QUESTIONS} questions", "registration_questions")
    if any(len(q) > QUESTION_LENGTH for q in kept):
        raise FieldError(
            f"Keep each question to {QUESTION_LENGTH} characters or fewer",
            "registration_questions",
        )
    return kept


def set_registration(
    session: Session, event: EngagementEvent, is_open: bool, questions: list[str], now: datetime
) -> None:
    """Switch open registration on or off and set the event's questions (blank lines dropped).
    Raises FieldError as checked_questions does."""
    event.registration_questions = checked_questions(questions)
    event.registration_open = is_open
    event.updated_at = now
    session.flush()


def _checked(event: EngagementEvent, fields: RegistrationFields) -> tuple[str, str, list[dict]]:
    name, email = fields.name.strip(), fields.email.strip().lower()
    if not name:
        raise FieldError(gettext("Enter your name"), "name")
    if len(name) > NAME_LENGTH:
        raise FieldError(gettext("Enter a name of 200 characters or fewer"), "name")
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > EMAIL_LENGTH:
        raise FieldError(
            gettext("Enter an email address in the correct format, like name@example.com"),
            "email",
        )
    questions = list(event.registration_questions or [])
    answers = [(a or "").strip() for a in fields.answers][: len(questions)]
    answers += [""] * (len(questions) - len(answers))
    for number, answer in enumerate(answers, start=1):
        if len(answer) > ANSWER_LENGTH:
            raise FieldError(
                gettext("Keep your answer to 1,000 characters or fewer"), f"answer_{number}"
            )
    check_needs_consent(fields.access_needs, fields.dietary_needs, fields.consent)
    return (
        name,
        email,
        [{"question": q, "answer": a} for q, a in zip(questions, answers, strict=True)],
    )


def already_registered(session: Session, event: EngagementEvent, email: str) -> bool:
    """Whether this address already registered for the event."""
    return (
        session.scalar(
            sa.select(EventInvitation.id).where(
                EventInvitation.event_id == event.id,
                EventInvitation.registrant_email == email.strip().lower(),
            )
        )
        is not None
    )


def register(
    session: Session, event: EngagementEvent, fields: RegistrationFields, now: datetime
) -> EventInvitation:
    """Register someone: a confirmed place if one is free, else the waiting list (through the
    same conditional update as a member's yes), and the email saying where they stand.

    Raises RegistrationClosed when the event takes no registrations, FieldError naming the
    field for bad input or needs without consent, and AlreadyRegistered for an address already
    registered (the unique constraint also refuses it if two arrive at once; the caller then
    rolls back)."""
    if not event.registration_accepting(now):
        raise RegistrationClosed("This event is not taking registrations.")
    name, email, answers = _checked(event, fields)
    if already_registered(session, event, email):
        raise AlreadyRegistered(_already_registered())
    needs = bool(fields.access_needs or fields.dietary_needs)
    invitation = EventInvitation(
        event_id=event.id,
        member_id=None,
        registrant_name=name,
        registrant_email=email,
        registrant_language=fields.language,
        answers=answers,
        state=InvitationState.INVITED,
        reply_nonce=secrets.token_hex(16),
        invited_at=now,
    )
    session.add(invitation)
    try:
        session.flush()
    except sa.exc.IntegrityError as error:  # the same address at the same instant
        raise AlreadyRegistered(_already_registered()) from error
    accept_invitation(session, invitation, now)
    if needs:
        invitation.access_needs = fields.access_needs
        invitation.dietary_needs = fields.dietary_needs
        invitation.needs_consent_at = now
    session.flush()
    tell_place(session, invitation, now)
    return invitation


@dataclass(frozen=True)
class RegistrantRow:
    """One registrant, for the event's organisers only."""

    name: str
    email: str
    state: InvitationState
    answers: list[dict]


def registrants_for_organisers(session: Session, event: EngagementEvent) -> list[RegistrantRow]:
    """The event's registrants with their answers, in the order they registered; the caller
    checks the user organises the event and audits the access."""
    rows = session.scalars(
        sa.select(EventInvitation)
        .where(EventInvitation.event_id == event.id, EventInvitation.member_id.is_(None))
        .order_by(EventInvitation.invited_at, EventInvitation.id)
    ).all()
    return [
        RegistrantRow(r.registrant_name, r.registrant_email or "", r.state, r.answers or [])
        for r in rows
    ]
