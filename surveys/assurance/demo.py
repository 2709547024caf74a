"""Demo data for the committee report: its last meeting and its next one, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.assurance.models import CommitteeMeeting

#: the committee meets about every two months.
MEETING_GAP = timedelta(days=56)


def create_demo_meetings(session: Session, now: datetime) -> None:
    """Add the committee's last meeting (eight weeks ago) and its next (in a fortnight), once."""
    if session.scalar(sa.select(CommitteeMeeting.id).limit(1)) is not None:
        return
    today = now.date()
    session.add_all(
        [
            CommitteeMeeting(held_on=today - MEETING_GAP),
            CommitteeMeeting(held_on=today + timedelta(days=14)),
        ]
    )
    session.flush()
