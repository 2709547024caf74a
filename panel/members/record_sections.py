"""Sections of the staff member record that come from packages above members (their activity):
each is a function f(session, member) -> RecordSection that the composition root registers, so
that members need not know them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from panel.members.models import Member


@dataclass(frozen=True)
class RecordSection:
    """A partial template and what it shows."""

    template: str
    figures: object


#: registered by app/blueprints.py, shown in this order below the member's details.
MEMBER_RECORD_SECTIONS: list[Callable[[Session, Member], RecordSection]] = []


def record_sections(session: Session, member: Member) -> list[RecordSection]:
    """Every registered section for the member."""
    return [source(session, member) for source in MEMBER_RECORD_SECTIONS]
