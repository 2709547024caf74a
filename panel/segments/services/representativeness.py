"""Who the panel still misses: its make-up beside the Census 2021 population (SQL aggregation).

The ethnic group and disability tables count special category answers. Anyone but the comms team
sees them under NHS Digital's small-number rule: a count from 1 to 7 is hidden with its share,
ratio and members needed, and so is any other count in the same place or the same group (across
places and the total of them) from which a hidden one could be worked out (panel.disclosure);
where only zeros are left to hide with it, zeros."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.disclosure import HIDDEN, suppress_table
from panel.members import reference
from panel.members.models import EqualityProfile, Member, MemberStatus
from panel.places.models import Place, PopulationFigure
from panel.segments.services.special_category import (
    SPECIAL_CATEGORY_FIELDS,
    may_use_special_category,
)

PANEL_TARGET = 4000
#: a group whose share of the panel is under this fraction of its population share is flagged.
UNDER_REPRESENTED_BELOW = 0.8

_ethnic_summary = sa.case(
    *[
        (
            EqualityProfile.ethnic_group.in_(
                [c for c, g in reference.ETHNIC_GROUP_SUMMARY.items() if g == group]
            ),
            group,
        )
        for group in ("white", "mixed", "asian", "black", "other")
    ],
    else_=None,
)
_carer = sa.case(
    (EqualityProfile.carer.in_(["yes_under_20", "yes_20_49", "yes_50_plus"]), "carer"),
    (EqualityProfile.carer == "no", "not_carer"),
    else_=None,
)
_disability = sa.case(
    (EqualityProfile.disability.in_(["yes_a_lot", "yes_a_little"]), "disabled"),
    (EqualityProfile.disability == "no", "not_disabled"),
    else_=None,
)

#: dimension -> (label, SQL expression giving the Census category, categories with labels)
DIMENSIONS = {
    "age_band": (
        "Age",
        Member.age_band,
        [(code, label) for code, label in reference.AGE_BANDS if code != "pns"],
    ),
    "sex": ("Sex", EqualityProfile.sex, [("female", "Female"), ("male", "Male")]),
    "ethnic_group": (
        "Ethnic group",
        _ethnic_summary,
        [
            ("white", "White"),
            ("mixed", "Mixed or Multiple"),
            ("asian", "Asian"),
            ("black", "Black"),
            ("other", "Other ethnic group"),
        ],
    ),
    "disability": (
        "Disability",
        _disability,
        [("disabled", "Disabled"), ("not_disabled", "Not disabled")],
    ),
    # Census 2021 TS039 counts carers aged 5 and over, for 14 of the 16 districts (none for
    # South Cumbria): areas without figures leave this out and say so.
    "carer": (
        "Unpaid carers",
        _carer,
        [("carer", "Unpaid carer"), ("not_carer", "Not an unpaid carer")],
    ),
}


#: the dimensions whose categories are special category answers.
PROTECTED_DIMENSIONS = [key for key in DIMENSIONS if key in SPECIAL_CATEGORY_FIELDS]


@dataclass
class GroupRow:
    """One group of a characteristic: members, share and the population's share."""

    category: str
    label: str
    #: None when hidden (with every figure worked out from it).
    members: int | None
    panel_share: float | None
    population: int
    population_share: float
    ratio: float | None
    under_represented: bool
    #: members to recruit for this group to reach its population share of the target.
    needed: int | None
    #: hidden under the small-number rule (for anyone but the comms team).
    hidden: bool = False


@dataclass
class DimensionReport:
    """One characteristic compared with the population."""

    key: str
    label: str
    rows: list[GroupRow]
    answered: int
    not_answered: int
    notes: list[str] = field(default_factory=list)


@dataclass
class AreaReport:
    """How the members of an area compare with its population, characteristic by characteristic."""

    name: str
    place_id: int | None
    members: int
    target: int
    dimensions: list[DimensionReport]
    #: characteristics with no Census figures for this area (or for one of its places).
    without_figures: list[str] = field(default_factory=list)


def _panel_counts(session: Session, user: StaffUser) -> dict[str, dict]:
    """{dimension: {(place_id, category): members}} from ONE grouped scan of the members: the
    cross-classified groups (a few thousand rows at most) are summed per dimension."""
    keys = list(DIMENSIONS)
    expressions = [DIMENSIONS[key][1] for key in keys]
    query = (
        sa.select(Member.place_id, *expressions, sa.func.count())
        .select_from(Member)
        .outerjoin(EqualityProfile)
        .where(Member.status == MemberStatus.ACTIVE)
        .group_by(Member.place_id, *expressions)
    )
    query = scope_to_places(query, user, Member.place_id)
    counts: dict[str, dict] = {key: {} for key in keys}
    for place_id, *categories, count in session.execute(query):
        for key, category in zip(keys, categories, strict=True):
            cell = (place_id, category)
            counts[key][cell] = counts[key].get(cell, 0) + count
    return counts


def representativeness(
    session: Session,
    user: StaffUser,
    *,
    target: int = PANEL_TARGET,
    threshold: float = UNDER_REPRESENTED_BELOW,
    place_targets: Mapping[int, int] | None = None,
) -> list[AreaReport]:
    """The whole ICB (for users who see every place) and each place the user may see. Each
    place's target is its share of ``target`` by population unless ``place_targets`` gives it."""
    places = list(
        session.scalars(scope_to_places(sa.select(Place).order_by(Place.name), user, Place.id))
    )
    population: dict[tuple[int, str, str], int] = {}
    notes: dict[tuple[int, str], str] = {}
    for figure in session.scalars(sa.select(PopulationFigure)):
        population[(figure.place_id, figure.dimension, figure.category)] = figure.population
        if figure.note:
            notes[(figure.place_id, figure.dimension)] = figure.note
    counts = _panel_counts(session, user)
    member_totals = {
        p.id: sum(c for (pid, _cat), c in counts["age_band"].items() if pid == p.id) for p in places
    }
    areas = []
    everyone_population = session.scalar(sa.select(sa.func.sum(Place.population))) or 1
    if len(places) > 1:
        areas.append(
            _area(
                "Whole ICB",
                None,
                [p.id for p in places],
                counts,
                population,
                notes,
                sum(member_totals.values()),
                target,
                threshold,
            )
        )
    for place in places:
        if place_targets is not None and place.id in place_targets:
            place_target = place_targets[place.id]
        else:
            place_target = round(target * (place.population or 0) / everyone_population)
        areas.append(
            _area(
                place.name,
                place.id,
                [place.id],
                counts,
                population,
                notes,
                member_totals[place.id],
                place_target,
                threshold,
            )
        )
    if not may_use_special_category(user):
        _hide_small_counts(areas)
    return areas


def _hide_small_counts(areas: list[AreaReport]) -> None:
    """Hide, in each protected dimension, counts from 1 to 7 and the counts that would reveal
    them. One table per dimension: a row per area (each row's total, those who answered, is
    shown) and a column per group (the areas' counts add up to the whole's). Zeros are hidden
    too where nothing else can be (3 answered, all of them in one hidden group, shows nothing)."""
    for key in PROTECTED_DIMENSIONS:
        tables = [next(d for d in area.dimensions if d.key == key) for area in areas]
        # An area where nobody answered is all zeros for everyone to see: no use for padding.
        tables = [table for table in tables if table.answered]
        shown, _totals = suppress_table(
            [[row.members for row in table.rows] for table in tables], pad_with_zeros=True
        )
        for table, shown_row in zip(tables, shown, strict=True):
            table.rows = [
                _hidden(row) if value == HIDDEN else row
                for row, value in zip(table.rows, shown_row, strict=True)
            ]


def _hidden(row: GroupRow) -> GroupRow:
    return replace(
        row,
        members=None,
        panel_share=None,
        ratio=None,
        under_represented=False,
        needed=None,
        hidden=True,
    )


def _area(
    name, place_id, place_ids, counts, population, notes, members, target, threshold
) -> AreaReport:
    dimensions, without_figures = [], []
    for key, (label, _expression, categories) in DIMENSIONS.items():
        if not all(
            any((pid, key, cat) in population for cat, _ in categories) for pid in place_ids
        ):
            without_figures.append(label)
            continue
        panel = {
            cat: sum(counts[key].get((pid, cat), 0) for pid in place_ids) for cat, _ in categories
        }
        people = {
            cat: sum(population.get((pid, key, cat), 0) for pid in place_ids)
            for cat, _ in categories
        }
        answered = sum(panel.values())
        population_total = sum(people.values()) or 1
        rows = []
        for category, category_label in categories:
            panel_share = panel[category] / answered if answered else 0.0
            population_share = people[category] / population_total
            ratio = round(panel_share / population_share, 2) if population_share else None
            rows.append(
                GroupRow(
                    category,
                    category_label,
                    panel[category],
                    round(panel_share * 100, 1),
                    people[category],
                    round(population_share * 100, 1),
                    ratio,
                    ratio is not None and answered > 0 and ratio < threshold,
                    max(0, round(population_share * target) - panel[category]),
                )
            )
        area_notes = sorted({notes[(pid, key)] for pid in place_ids if (pid, key) in notes})
        dimensions.append(
            DimensionReport(key, label, rows, answered, members - answered, area_notes)
        )
    return AreaReport(name, place_id, members, target, dimensions, without_figures)
