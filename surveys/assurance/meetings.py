"""Keeping the committee's meeting dates, from which its report's default period runs."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.field_errors import FieldError
from surveys.assurance.models import CommitteeMeeting

#: a meeting date this far from today is a typing mistake, not a meeting.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def add_meeting(session: Session, held_on: date) -> CommitteeMeeting:
    """Record a meeting on ``held_on``; raises FieldError (field held_on) for a day already
    recorded or one outside 2000 to 2100."""
    if not EARLIEST <= held_on <= LATEST:
        raise FieldError("Enter a meeting date between 2000 and 2100", field="held_on")
    if session.scalar(sa.select(CommitteeMeeting.id).where(CommitteeMeeting.held_on == held_on)):
        raise FieldError("A meeting on that day is already recorded", field="held_on")
    meeting = CommitteeMeeting(held_on=held_on)
    session.add(meeting)
    session.flush()
    return meeting
