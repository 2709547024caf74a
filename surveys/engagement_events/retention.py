"""Access and dietary needs, the names walk-ins gave at the door, and what public registrants
gave (name, address, answers) are deleted a set time after the event (the pages promise it);
each run is audited with counts, never the data itself. A walk-in's attendance stays, as
"Walk-in", and a registrant's place as "Registrant", so the event's figures do not change."""

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
#: what a public registrant's name becomes once it is deleted (their address goes).
REGISTRANT_DELETED = "Registrant"


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
    registrants = session.execute(
        sa.update(EventInvitation)
        .where(
            EventInvitation.event_id.in_(ended),
            EventInvitation.member_id.is_(None),
            sa.or_(
                EventInvitation.registrant_email.is_not(None),
                EventInvitation.registrant_name != REGISTRANT_DELETED,
                EventInvitation.answers.is_not(None),
            ),
        )
        .values(
            registrant_name=REGISTRANT_DELETED,
            registrant_email=None,
            registrant_language=None,
            answers=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    record_retention_run(
        session,
        "event_needs",
        {
            "event access and dietary needs": forgotten,
            "walk-in names at events": names,
            "registrants' names, addresses and answers": registrants,
        },
        now,
    )
    return forgotten


def forget_event_needs_job(session: Session, now: datetime) -> int:
    """The scheduler's job: delete needs that are due, audited, and commit."""
    forgotten = forget_event_needs(session, now)
    session.commit()
    return forgotten
