"""Scheduler adapters for fieldwork: invitations, reminders and closing on time."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from surveys.fieldwork.invitations import close_due_surveys, send_invitation_emails, send_reminders
from surveys.fieldwork.retention import apply_survey_retention


def survey_fieldwork_job(session: Session, now: datetime) -> int:
    """Close surveys that are due, then queue invitations and reminders; returns the work done.

    Each step is committed on its own, as a checkpoint: a survey closed on time stays closed,
    and a batch of queued emails stays queued with its invitations marked, even if a later step
    fails (each step is idempotent, so the next run carries on where this one stopped)."""
    done = 0
    for step in (close_due_surveys, send_invitation_emails, send_reminders):
        done += step(session, now)
        session.commit()
    return done


def survey_retention_job(session: Session, now: datetime) -> int:
    """Apply the survey retention schedule (audited); returns how many records were removed."""
    return sum(apply_survey_retention(session, now, current_app.config).values())
