"""People who joined the panel through recruitment sources (partners' and channels' sign-up
links) in a period, counted by source in one SQL query.

"People reached from seldom-heard groups via partners" cannot be worked out from the records:
a recruitment source does not record whether it is a partner organisation or a channel (a
poster, a social media post), nor which groups it reaches, so the dashboard says so and shows
only what the records hold, never an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member, RecruitmentSource
from surveys.assurance.period import Period


@dataclass(frozen=True)
class SourceCount:
    """Members who joined in the period through one recruitment source."""

    source_id: int
    name: str
    joined: int


@dataclass(frozen=True)
class Recruitment:
    """Who joined in the period, and through which sources."""

    joined: int
    through_sources: int
    by_source: list[SourceCount]


def recruitment(session: Session, user: StaffUser, period: Period) -> Recruitment:
    """Members who joined in the period (in the user's places), and how many came through each
    recruitment source; members who have since left still count as reached."""
    joined = scope_to_places(
        sa.select(Member.recruitment_source_id, sa.func.count(Member.id).label("joined"))
        .where(Member.joined_at >= period.start_at, Member.joined_at < period.end_at)
        .group_by(Member.recruitment_source_id),
        user,
        Member.place_id,
    ).subquery()
    rows = session.execute(
        sa.select(joined.c.recruitment_source_id, RecruitmentSource.name, joined.c.joined)
        .select_from(joined)
        .outerjoin(RecruitmentSource, RecruitmentSource.id == joined.c.recruitment_source_id)
    ).all()
    by_source = sorted(
        (SourceCount(source_id, name, count) for source_id, name, count in rows if source_id),
        key=lambda row: (-row.joined, row.name),
    )
    return Recruitment(
        sum(count for *_ignored, count in rows), sum(s.joined for s in by_source), by_source
    )
