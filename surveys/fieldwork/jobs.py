"""Scheduler adapters for fieldwork: invitations, reminders and closing on time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from surveys.fieldwork.invitations import close_due_surveys, send_invitation_emails, send_reminders


def survey_fieldwork_job(session: Session, now: datetime) -> int:
    """The scheduler's job: close surveys past their closing time and email due invitations."""
    return (
        close_due_surveys(session, now)
        + send_invitation_emails(session, now)
        + send_reminders(session, now)
    )
