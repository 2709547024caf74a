"""Activity figures: one member's invitations, answers and last activity; the panel's response
rates by place and age band; and monthly joining cohorts' retention by place or age band.
Counted from the rows on every read (grouped in SQL), within the places the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.activity.inactivity import last_activity
from panel.activity.months import Month, last_months, month_of
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members import reference
from panel.members.models import Member, MemberStatus
from panel.places.models import Place
from panel.segments.models import ContactKind, MemberContact

#: response rates look back this many days.
RATE_WINDOW_DAYS = 365
COHORT_MONTHS = 12
NO_PLACE, NOT_SAID = "No place recorded", "Not given"
GROUPINGS = {"place": "Place", "age_band": "Age band"}


@dataclass(frozen=True)
class MemberActivity:
    """What the staff member record shows of a member's activity."""

    invitations: int
    responses: int
    last_invited_at: datetime | None
    last_response_at: datetime | None
    last_activity_at: datetime | None


def member_activity(session: Session, member: Member) -> MemberActivity:
    """The member's survey invitations and answers (all time) and their last sign of life."""
    rows = dict(
        (kind, (count, last))
        for kind, count, last in session.execute(
            sa.select(MemberContact.kind, sa.func.count(), sa.func.max(MemberContact.at))
            .where(MemberContact.member_id == member.id)
            .group_by(MemberContact.kind)
        )
    )
    contact, seen = last_activity()
    latest = session.execute(
        sa.select(contact, seen).select_from(Member).where(Member.id == member.id)
    ).one()
    invited = rows.get(ContactKind.SURVEY_INVITATION, (0, None))
    answered = rows.get(ContactKind.SURVEY_RESPONSE, (0, None))
    last = max((moment for moment in latest if moment is not None), default=None)
    return MemberActivity(invited[0], answered[0], invited[1], answered[1], last)


@dataclass
class RateRow:
    """Invitations and answers of one group in the window, and the rate."""

    label: str
    invitations: int = 0
    responses: int = 0

    @property
    def rate(self) -> float | None:
        return self.responses / self.invitations if self.invitations else None


def _group_column(grouping: str):
    return Member.place_id if grouping == "place" else Member.age_band


def _group_labels(session: Session, grouping: str) -> dict:
    if grouping == "place":
        return {**dict(session.execute(sa.select(Place.id, Place.name)).all()), None: NO_PLACE}
    return {**dict(reference.AGE_BANDS), None: NOT_SAID}


def response_rates(
    session: Session, user: StaffUser, now: datetime, grouping: str = "place"
) -> tuple[RateRow, list[RateRow]]:
    """Survey invitations in the last year and the answers to them, in all and per group
    (``grouping``: "place" or "age_band"), of members the user may see."""
    column = _group_column(grouping)
    query = scope_to_places(
        sa.select(column, MemberContact.kind, sa.func.count())
        .join(Member, Member.id == MemberContact.member_id)
        .where(
            MemberContact.at > now - timedelta(days=RATE_WINDOW_DAYS),
            MemberContact.kind.in_([ContactKind.SURVEY_INVITATION, ContactKind.SURVEY_RESPONSE]),
        )
        .group_by(column, MemberContact.kind),
        user,
        Member.place_id,
    )
    labels = _group_labels(session, grouping)
    total, groups = RateRow("All members"), {}
    for group, kind, count in session.execute(query):
        row = groups.setdefault(group, RateRow(labels.get(group, str(group))))
        for target in (row, total):
            if kind == ContactKind.SURVEY_INVITATION:
                target.invitations += count
            else:
                target.responses += count
    return total, sorted(groups.values(), key=lambda r: r.label)


@dataclass(frozen=True)
class ChartRow:
    """One bar of a chart and the cells of its table row."""

    label: str
    fraction: float | None
    bar_text: str
    cells: tuple


def rate_chart_row(row: RateRow) -> ChartRow:
    """A response rate as a bar, with invitations, answers and the rate in the table."""
    rate = f"{row.rate:.1%}" if row.rate is not None else "no invitations"
    return ChartRow(row.label, row.rate, rate, (f"{row.invitations:,}", f"{row.responses:,}", rate))


@dataclass
class CohortRow:
    """Members who joined in one month (of one group) and where they stand now."""

    month: Month
    label: str
    counts: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def joined(self) -> int:
        return sum(self.counts.values())

    @property
    def active(self) -> int:
        return self.counts[MemberStatus.ACTIVE]

    @property
    def inactive(self) -> int:
        return self.counts[MemberStatus.INACTIVE]

    @property
    def left(self) -> int:
        return self.counts[MemberStatus.LEFT] + self.counts[MemberStatus.MERGED]

    @property
    def retention(self) -> float | None:
        return self.active / self.joined if self.joined else None


def cohorts(
    session: Session, user: StaffUser, now: datetime, grouping: str = "place"
) -> list[CohortRow]:
    """Each of the last twelve months' joiners, per group, by where they stand now (active,
    inactive, left or merged): retention is the share still active."""
    months = last_months(now, COHORT_MONTHS)
    bucket = month_of(Member.joined_at, months).label("month")
    column = _group_column(grouping)
    query = scope_to_places(
        sa.select(bucket, column, Member.status, sa.func.count())
        .where(Member.joined_at >= months[0].start_at, Member.joined_at < months[-1].end_at)
        .group_by(bucket, column, Member.status),
        user,
        Member.place_id,
    )
    labels = _group_labels(session, grouping)
    by_key = {m.key: m for m in months}
    rows: dict[tuple[str, object], CohortRow] = {}
    for key, group, status, count in session.execute(query):
        if key is None:
            continue
        row = rows.setdefault((key, group), CohortRow(by_key[key], labels.get(group, str(group))))
        row.counts[MemberStatus(status)] += count
    return sorted(rows.values(), key=lambda r: (r.month.first_day, r.label))
