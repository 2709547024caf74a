"""Scheduler adapters for engagement events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from surveys.engagement_events.reminders import send_event_reminders


def event_reminders_job(session: Session, now: datetime) -> int:
    """Queue the reminders due a week and a day before events; returns how many."""
    queued = send_event_reminders(session, now)
    session.commit()
    return queued
