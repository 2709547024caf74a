"""The scheduler's bulletin job: start (or take over) every due send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mailer.bulletins.services.send import dispatch_due_bulletins


def dispatch_due_bulletins_job(session: Session, now: datetime) -> int:
    """Every 30 seconds: a send starts within a minute of its time, or when the scheduler
    returns after being down (the page then says it was late)."""
    return dispatch_due_bulletins(session, now)
