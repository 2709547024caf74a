"""Scheduler adapters for fieldwork: invitations, reminders and closing on time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from surveys.fieldwork.invitations import close_due_surveys, send_invitation_emails, send_reminders


def survey_fieldwork_job(session: Session, now: datetime) -> int:
    return (
        close_due_surveys(session, now)
        + send_invitation_emails(session, now)
        + send_reminders(session, now)
    )
