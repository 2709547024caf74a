"""The recruitment plan: per place and characteristic, how representative the panel is (the
lowest group's participation rate over the highest's, as Go Vocal scores it), who is still
needed to reach the place's share of the target, and when the place gets there at its rate."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member
from panel.recruitment.targets import PanelTargets, panel_targets
from panel.segments.services.representativeness import (
    AreaReport,
    DimensionReport,
    representativeness,
)

#: the goal for every place and characteristic.
SCORE_GOAL = 0.7
#: the rate of the last three months (91 days) decides the forecast.
RATE_WINDOW = timedelta(days=91)
MONTHS_IN_WINDOW = 3
#: groups listed as most needed, per place.
MOST_NEEDED = 5


@dataclass(frozen=True)
class Score:
    """A characteristic's representativeness score, or why there is none."""

    value: float | None
    why_missing: str = ""
    lowest: str = ""
    highest: str = ""

    @property
    def meets_goal(self) -> bool:
        return self.value is not None and self.value >= SCORE_GOAL


@dataclass(frozen=True)
class GroupNeed:
    """A group a place needs more of: how many more to reach its share of the place's target."""

    characteristic: str
    group: str
    needed: int


@dataclass(frozen=True)
class Forecast:
    """When a place reaches its target at the net growth of the last three months."""

    members: int
    target: int
    joined: int
    left: int
    reached: bool
    #: None when the place is not growing (or has reached its target).
    months: int | None
    reached_by: datetime | None

    @property
    def net_per_month(self) -> float:
        return (self.joined - self.left) / MONTHS_IN_WINDOW


@dataclass(frozen=True)
class PlacePlan:
    """One place (or the whole ICB): its scores, the groups it most needs and its forecast."""

    area: AreaReport
    scores: list[tuple[DimensionReport, Score]]
    most_needed: list[GroupNeed]
    forecast: Forecast


@dataclass(frozen=True)
class RecruitmentPlan:
    """The targets and the plan for each place the user may see."""

    targets: PanelTargets
    places: list[PlacePlan]
    #: the whole ICB, for users who see every place.
    whole: PlacePlan | None


def representativeness_score(dimension: DimensionReport) -> Score:
    """min(rate) / max(rate) over the groups with Census figures, where a group's rate is its
    members who answered over its population. None, with the reason, when it cannot be worked
    out honestly: nobody answered, a group is hidden under the small-number rule, no figures."""
    rows = [row for row in dimension.rows if row.population > 0]
    if len(rows) < 2:
        return Score(None, "No Census figures for this place")
    if dimension.answered == 0:
        return Score(None, "Nobody here has answered this question yet")
    if any(row.hidden for row in rows):
        return Score(None, "Not shown: it would reveal a group of fewer than 8 people")
    rates = [(row.members / row.population, row.label) for row in rows]
    lowest, highest = min(rates), max(rates)
    return Score(round(lowest[0] / highest[0], 2), "", lowest[1], highest[1])


def _most_needed(area: AreaReport) -> list[GroupNeed]:
    needs = [
        GroupNeed(dimension.label, row.label, row.needed)
        for dimension in area.dimensions
        for row in dimension.rows
        if row.needed and not row.hidden and row.under_represented
    ]
    return sorted(needs, key=lambda need: (-need.needed, need.characteristic, need.group))[
        :MOST_NEEDED
    ]


def _growth(session: Session, user: StaffUser, now: datetime) -> dict[int, tuple[int, int]]:
    """{place_id: (joined, left)} over the rate window, within the user's places."""
    since = now - RATE_WINDOW
    joined = scope_to_places(
        sa.select(Member.place_id, sa.func.count())
        .where(Member.joined_at >= since, Member.joined_at < now)
        .group_by(Member.place_id),
        user,
        Member.place_id,
    )
    left = scope_to_places(
        sa.select(Member.place_id, sa.func.count())
        .where(Member.joined_at.is_not(None), Member.left_at >= since, Member.left_at < now)
        .group_by(Member.place_id),
        user,
        Member.place_id,
    )
    joins, leaves = dict(session.execute(joined).all()), dict(session.execute(left).all())
    return {pid: (joins.get(pid, 0), leaves.get(pid, 0)) for pid in {*joins, *leaves}}


def forecast(members: int, target: int, joined: int, left: int, now: datetime) -> Forecast:
    """Months until ``target`` at the net monthly growth of the window (whole months, rounded
    up); None when the target is met or the panel here is not growing."""
    if members >= target:
        return Forecast(members, target, joined, left, True, None, None)
    net = (joined - left) / MONTHS_IN_WINDOW
    if net <= 0:
        return Forecast(members, target, joined, left, False, None, None)
    months = math.ceil((target - members) / net)
    reached_by = now + timedelta(days=30.44 * months)
    return Forecast(members, target, joined, left, False, months, reached_by)


def recruitment_plan(session: Session, user: StaffUser, now: datetime) -> RecruitmentPlan:
    """The plan for every place the user may see (and the whole ICB for those who see all)."""
    targets = panel_targets(session)
    areas = representativeness(
        session,
        user,
        target=targets.total,
        place_targets={p.place_id: p.target for p in targets.places},
    )
    growth = _growth(session, user, now)

    def plan_for(area: AreaReport) -> PlacePlan:
        if area.place_id is None:
            joined = sum(joins for joins, _leaves in growth.values())
            left = sum(leaves for _joins, leaves in growth.values())
        else:
            joined, left = growth.get(area.place_id, (0, 0))
        return PlacePlan(
            area,
            [(d, representativeness_score(d)) for d in area.dimensions],
            _most_needed(area),
            forecast(area.members, area.target, joined, left, now),
        )

    whole = next((plan_for(a) for a in areas if a.place_id is None), None)
    places = [plan_for(a) for a in areas if a.place_id is not None]
    return RecruitmentPlan(targets, places, whole)


def place_plan(plan: RecruitmentPlan, place_id: int) -> PlacePlan | None:
    """The plan of one place the user may see, or None."""
    return next((p for p in plan.places if p.area.place_id == place_id), None)
