"""The staff-maintained list of polling days the pre-election check uses."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from surveys.models import ElectionDate


class ElectionDateError(FieldError):
    """The date cannot be added; the message says why."""


def election_dates(session: Session) -> list[ElectionDate]:
    """Every election date, earliest first."""
    return list(session.scalars(sa.select(ElectionDate).order_by(ElectionDate.poll_date)))


def polling_days(session: Session) -> list[date]:
    """Every polling day, earliest first."""
    return list(session.scalars(sa.select(ElectionDate.poll_date).order_by(ElectionDate.poll_date)))


def add_election_date(
    session: Session, user: StaffUser, poll_date: date, description: str, now: datetime
) -> ElectionDate:
    """Add a polling day (audited); raises ElectionDateError if it is already there."""
    if session.scalar(sa.select(ElectionDate.id).where(ElectionDate.poll_date == poll_date)):
        raise ElectionDateError("That polling day is already on the list")
    election = ElectionDate(
        poll_date=poll_date, description=description.strip(), added_by_id=user.id, created_at=now
    )
    session.add(election)
    session.flush()
    record_audit(
        session,
        user,
        "election_date.add",
        "election_date",
        [election.id],
        poll_date.isoformat(),
        now=now,
    )
    return election


def remove_election_date(session: Session, user: StaffUser, election_id: int, now: datetime):
    """Remove a polling day (audited); raises ElectionDateError if it is gone."""
    election = session.get(ElectionDate, election_id)
    if election is None:
        raise ElectionDateError("That polling day is no longer on the list")
    record_audit(
        session,
        user,
        "election_date.remove",
        "election_date",
        [election.id],
        election.poll_date.isoformat(),
        now=now,
    )
    session.delete(election)
