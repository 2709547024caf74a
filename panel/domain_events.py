"""Things that happened which other packages may want to hear about (a survey published, a
decision recorded), told in the caller's transaction.

Surveys emit; packages above them (the outbound webhooks) subscribe through ``LISTENERS``, which
``app/blueprints.py`` fills, so the emitting package never imports its listeners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session


class EventType(StrEnum):
    """What happened; the values are the webhook event types partners subscribe to."""

    SURVEY_PUBLISHED = "survey.published"
    SURVEY_CLOSED = "survey.closed"
    RESULTS_PUBLISHED = "results.published"
    DECISION_RECORDED = "decision.recorded"
    INSIGHT_REPORT_RECEIVED = "insight_report.received"


@dataclass(frozen=True)
class DomainEvent:
    """One thing that happened: its type, the id of what it happened to, its place (None:
    ICB-wide) and when."""

    type: EventType
    subject_id: int
    place_id: int | None
    occurred_at: datetime


#: Called as f(session, event) in the emitter's transaction: a listener adds and flushes, never
#: commits, so the change and what it set off commit together or not at all.
LISTENERS: list[Callable[[Session, DomainEvent], None]] = []


def emit(
    session: Session, kind: EventType, subject_id: int, place_id: int | None, now: datetime
) -> DomainEvent:
    """Tell every listener that ``kind`` happened to ``subject_id``; returns the event."""
    event = DomainEvent(kind, subject_id, place_id, now)
    for listener in LISTENERS:
        listener(session, event)
    return event
