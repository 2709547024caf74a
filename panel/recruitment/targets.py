"""The panel's target and each place's share of it, as the comms team set them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.places.models import Place
from panel.recruitment.models import DEFAULT_PANEL_TARGET, RecruitmentTarget
from panel.segments.targets import largest_remainder

#: no target above this: the ICB has 1.8 million people and a panel of a few thousand.
MAX_TARGET = 100_000


class TargetError(FieldError):
    """The targets cannot be saved as given; ``field`` names the field to show it next to."""

    field = "total"


@dataclass(frozen=True)
class PlaceTarget:
    """One place's target, and whether the comms team set it or it follows the population."""

    place_id: int
    name: str
    population: int
    target: int
    set_by_team: bool


@dataclass(frozen=True)
class PanelTargets:
    """The panel's total target and every place's share of it."""

    total: int
    places: list[PlaceTarget]

    def for_place(self, place_id: int) -> int:
        return next(p.target for p in self.places if p.place_id == place_id)


def panel_targets(session: Session) -> PanelTargets:
    """The total and every place's share: places the team set keep their number; the rest of
    the total is shared among the others in proportion to their population."""
    rows = list(session.scalars(sa.select(RecruitmentTarget)))
    total = next((r.target for r in rows if r.place_id is None), DEFAULT_PANEL_TARGET)
    own = {r.place_id: r.target for r in rows if r.place_id is not None}
    places = list(session.scalars(sa.select(Place).order_by(Place.name)))
    following = [p for p in places if p.id not in own]
    left = max(0, total - sum(own.get(p.id, 0) for p in places))
    weights = {str(p.id): p.population or 0 for p in following}
    shared = (
        largest_remainder(weights, left)
        if following and sum(weights.values())
        else {key: 0 for key in weights}
    )
    return PanelTargets(
        total,
        [
            PlaceTarget(
                p.id,
                p.name,
                p.population or 0,
                own[p.id] if p.id in own else shared[str(p.id)],
                p.id in own,
            )
            for p in places
        ],
    )


def set_targets(
    session: Session,
    actor: StaffUser,
    total: int,
    place_targets: dict[int, int | None],
    now: datetime,
) -> None:
    """Save the total and the places' own targets (None: follow the population). Raises
    TargetError naming the field: a number out of range, or places' own targets that add up to
    more than the total."""
    if not 1 <= total <= MAX_TARGET:
        raise TargetError(f"Enter a total from 1 to {MAX_TARGET:,}")
    places = {p.id: p for p in session.scalars(sa.select(Place))}
    for place_id, target in place_targets.items():
        if place_id not in places:
            raise TargetError("Choose one of the places", field=f"place_{place_id}")
        if target is not None and not 0 <= target <= MAX_TARGET:
            raise TargetError(
                f"Enter a target for {places[place_id].name} from 0 to {MAX_TARGET:,}, "
                "or leave it empty to follow the population",
                field=f"place_{place_id}",
            )
    own_sum = sum(t for t in place_targets.values() if t is not None)
    if own_sum > total:
        raise TargetError(
            f"The places' own targets add up to {own_sum:,}, more than the total of {total:,}: "
            "raise the total or lower a place's target"
        )
    rows = {r.place_id: r for r in session.scalars(sa.select(RecruitmentTarget))}
    wanted: dict[int | None, int] = {None: total}
    wanted.update({pid: t for pid, t in place_targets.items() if t is not None})
    for place_id, row in rows.items():
        if place_id not in wanted:
            session.delete(row)
    for place_id, target in wanted.items():
        row = rows.get(place_id)
        if row is None:
            row = RecruitmentTarget(place_id=place_id, target=target)
            session.add(row)
        row.target, row.updated_at, row.updated_by_id = target, now, actor.id
    session.flush()
