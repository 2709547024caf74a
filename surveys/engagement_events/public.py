"""What the public engagement page shows of events: upcoming events an organiser chose to list,
with what, when and where, and never who is coming or how many."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from surveys.engagement_events.models import EngagementEvent, EventStatus

#: the most events the page lists.
PUBLIC_LIMIT = 20


def upcoming_public_events(session: Session, now: datetime) -> list[EngagementEvent]:
    """Open, listed events that have not started, soonest first."""
    return list(
        session.scalars(
            sa.select(EngagementEvent)
            .options(selectinload(EngagementEvent.place))
            .where(
                EngagementEvent.status == EventStatus.OPEN,
                EngagementEvent.listed_publicly.is_(True),
                EngagementEvent.starts_at > now,
            )
            .order_by(EngagementEvent.starts_at, EngagementEvent.id)
            .limit(PUBLIC_LIMIT)
        )
    )
