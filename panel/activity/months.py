"""Calendar months in local (Europe/London) time, and bucketing a timestamp column by them in
SQL the same way on SQLite and PostgreSQL (a CASE over the months' UTC boundaries, so a join at
00:30 on 1 June British Summer Time counts in June)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa


@dataclass(frozen=True)
class Month:
    """A local calendar month and the UTC instants that bound it (end exclusive)."""

    first_day: date
    start_at: datetime
    end_at: datetime

    @property
    def key(self) -> str:
        return self.first_day.strftime("%Y-%m")

    @property
    def label(self) -> str:
        return self.first_day.strftime("%B %Y")

    @property
    def short_label(self) -> str:
        return self.first_day.strftime("%b %y")


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def last_months(now: datetime, count: int, zone: str = "Europe/London") -> list[Month]:
    """The ``count`` local months up to and including the one ``now`` is in, oldest first."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz).date()
    first = date(local.year, local.month, 1)
    for _ in range(count - 1):
        first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    months = []
    for _ in range(count):
        following = _next_month(first)
        months.append(
            Month(
                first,
                datetime.combine(first, time.min, tz).astimezone(ZoneInfo("UTC")),
                datetime.combine(following, time.min, tz).astimezone(ZoneInfo("UTC")),
            )
        )
        first = following
    return months


def month_of(column, months: list[Month], before: str | None = None):
    """The month key a timestamp falls in (a SQL CASE): ``before`` (NULL if not given) for
    earlier instants, NULL for later ones. One comparison per month passed, so a query over
    many rows does half the work of testing both ends of each month."""
    return sa.case(
        (column < months[0].start_at, before if before is not None else sa.null()),
        *[(column < m.end_at, m.key) for m in months],
        else_=sa.null(),
    )
