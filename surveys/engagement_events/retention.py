"""Access and dietary needs, and the names walk-ins gave at the door, are deleted a set time
after the event (the reply page promises it); each run is audited with counts, never the data
itself. A walk-in's attendance stays, as "Walk-in", so the event's figures do not change."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.retention import record_retention_run
from surveys.engagement_events.attendance_models import EventAttendance
from surveys.engagement_events.models import EngagementEvent, EventInvitation

#: promised on the reply page next to the consent box.
NEEDS_RETENTION = timedelta(days=30)
#: what a walk-in's name becomes once it is deleted.
NAME_DELETED = "Walk-in"


def forget_event_needs(session: Session, now: datetime) -> int:
    """Blank the access and dietary needs of events that ended over NEEDS_RETENTION ago;
    returns how many people's needs were deleted (the run is audited)."""
    ended = sa.select(EngagementEvent.id).where(EngagementEvent.ends_at <= now - NEEDS_RETENTION)
    forgotten = session.execute(
        sa.update(EventInvitation)
        .where(
            EventInvitation.event_id.in_(ended),
            sa.or_(EventInvitation.access_needs != "", EventInvitation.dietary_needs != ""),
        )
        .values(access_needs="", dietary_needs="", needs_deleted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    names = session.execute(
        sa.update(EventAttendance)
        .where(
            EventAttendance.event_id.in_(ended),
            EventAttendance.walk_in_name.not_in(["", NAME_DELETED]),
        )
        .values(walk_in_name=NAME_DELETED)
        .execution_options(synchronize_session=False)
    ).rowcount
    record_retention_run(
        session,
        "event_needs",
        {"event access and dietary needs": forgotten, "walk-in names at events": names},
        now,
    )
    return forgotten


def forget_event_needs_job(session: Session, now: datetime) -> int:
    """The scheduler's job: delete needs that are due, audited, and commit."""
    forgotten = forget_event_needs(session, now)
    session.commit()
    return forgotten
