"""The panel health section of the assurance dashboard: the period's joiners, leavers, members
moved to inactive and addresses found unreachable, the size at the period's end, and the last
duplicate check (registered by the composition root: surveys do not know the panel's health)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places, visible_place_ids
from panel.auth.models import StaffUser
from panel.duplicates.models import DuplicateScan
from panel.duplicates.scans import latest_scan, pairs_in_places
from panel.members.models import Member, MemberStatus
from surveys.assurance.period import Period
from surveys.assurance.sections import AssuranceSection


@dataclass(frozen=True)
class PeriodHealth:
    """The panel's health over an assurance period."""

    size_at_end: int
    joined: int
    left: int
    inactive: int
    unreachable: int
    inactive_now: int
    scan: DuplicateScan | None
    duplicates: int | None


def period_health(session: Session, user: StaffUser, period: Period) -> PeriodHealth:
    """Counted from the member rows in the user's places (one query) and the last scan."""

    def in_period(column):
        return sa.func.sum(
            sa.case(((column >= period.start_at) & (column < period.end_at), 1), else_=0)
        )

    size = sa.func.sum(
        sa.case(
            (
                (Member.joined_at < period.end_at)
                & (Member.left_at.is_(None) | (Member.left_at >= period.end_at))
                & (Member.status != MemberStatus.MERGED),
                1,
            ),
            else_=0,
        )
    )
    row = session.execute(
        scope_to_places(
            sa.select(
                size,
                in_period(Member.joined_at),
                in_period(Member.left_at),
                in_period(Member.inactive_at),
                in_period(Member.unreachable_at),
                sa.func.sum(sa.case((Member.status == MemberStatus.INACTIVE, 1), else_=0)),
            ).where(Member.joined_at.is_not(None)),
            user,
            Member.place_id,
        )
    ).one()
    scan = latest_scan(session)
    duplicates = pairs_in_places(scan, visible_place_ids(user)) if scan else None
    return PeriodHealth(*(int(value or 0) for value in row), scan, duplicates)


def health_section(session: Session, user: StaffUser, period: Period) -> AssuranceSection:
    """The dashboard's panel health section."""
    return AssuranceSection(
        "panel/panel_health/_assurance.html", period_health(session, user, period)
    )
