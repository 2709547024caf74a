"""What packages above members add to the member area and the staff member record without
members importing them, registered by the composition root (app/blueprints.py): sections of the
staff record (activity), a prompt on the member area's home page, and steps of the consent
history (re-consent registers both)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from panel.members.models import Member


@dataclass(frozen=True)
class RecordSection:
    """A section of the staff member record: a partial template and what it shows."""

    template: str
    figures: object


@dataclass(frozen=True)
class MemberPrompt:
    """Something the member is asked to do, shown at the top of their member area."""

    title: str
    text: str
    link_text: str
    #: an endpoint name for url_for.
    endpoint: str
    #: an instant on the last day to act, if there is one.
    due: datetime | None = None


@dataclass(frozen=True)
class ConsentStep:
    """One step in a member's consent history beyond the consent records themselves."""

    at: datetime
    step: str
    wording: str
    how: str


#: f(session, member) -> a section, shown in this order below the member's details.
MEMBER_RECORD_SECTIONS: list[Callable[[Session, Member], RecordSection]] = []
#: f(session, member, now) -> a prompt or None.
MEMBER_PROMPTS: list[Callable[[Session, Member, datetime], MemberPrompt | None]] = []
#: f(session, member) -> steps, oldest first.
CONSENT_STEP_SOURCES: list[Callable[[Session, Member], list[ConsentStep]]] = []


def record_sections(session: Session, member: Member) -> list[RecordSection]:
    """Every registered section of the staff record for the member."""
    return [source(session, member) for source in MEMBER_RECORD_SECTIONS]


def prompts_for(session: Session, member: Member, now: datetime) -> list[MemberPrompt]:
    """Every prompt the member should see now."""
    found = (source(session, member, now) for source in MEMBER_PROMPTS)
    return [prompt for prompt in found if prompt is not None]


def consent_steps_for(session: Session, member: Member) -> list[ConsentStep]:
    """Every extra consent-history step of the member, oldest first."""
    steps = [step for source in CONSENT_STEP_SOURCES for step in source(session, member)]
    return sorted(steps, key=lambda step: step.at)
