"""The quotas of a fair selection: targets from the Census 2021 population of the places the
selection is for (or shares the user sets), and the pool checked against them before anything
is selected.

Whose population:
    a segment of one place: that place's. An ICB-wide segment: the place chosen on the form, or
    else every place the user can see together (for the comms team the whole ICB), each place
    counting by its population (their Census counts are added up before shares are taken).
    A share the user sets for a characteristic replaces Census for that characteristic.

Not known:
    members who did not answer a chosen characteristic (or preferred not to say) cannot count
    towards any of its quotas, so they are left out of the pool for that selection and the plan
    says how many: a quota always means what it says about everyone selected.

Rounding and tolerance: panel.segments.targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member
from panel.places.models import Place, PopulationFigure
from panel.segments.models import Segment
from panel.segments.selection import SelectionError
from panel.segments.services.fatigue import contact_rules, contactable, group_caps
from panel.segments.services.representativeness import DIMENSIONS
from panel.segments.services.segments import segment_member_query
from panel.segments.services.special_category import Use, check_special_category
from panel.segments.targets import largest_remainder, target_share_problem, tolerance

#: the characteristics a selection can match, in the order forms and pages list them.
SELECTION_FEATURES = [
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    ("disability", "Disability"),
    ("place", "Place"),
]
FEATURE_LABELS = dict(SELECTION_FEATURES)
YOUR_TARGETS = "your targets"


@dataclass(frozen=True)
class Characteristic:
    """One characteristic a selection can match, with its categories as (code, label)."""

    key: str
    label: str
    categories: list[tuple[str, str]]


@dataclass
class CategoryPlan:
    """One category of a characteristic in a quota plan, with its share and bounds."""

    code: str
    label: str
    #: percentage of the population (or the user's share), to one decimal place.
    share: float
    target: int
    #: people in the pool (contactable, every chosen characteristic known) in this category.
    pool: int
    #: the exact share (of 1) the target was rounded from.
    weight: Fraction = field(repr=False, default=Fraction(0))

    @property
    def short(self) -> int:
        """People the pool lacks to meet the target."""
        return max(0, self.target - self.pool)


@dataclass
class CharacteristicPlan:
    """One characteristic of a quota plan and its categories."""

    key: str
    label: str
    #: "Census 2021: <population>" or "your targets".
    source: str
    #: contactable members left out of the pool because they did not answer this one.
    not_known: int
    rows: list[CategoryPlan]
    #: caveats on the Census figures used.
    notes: list[str] = field(default_factory=list)


@dataclass
class QuotaPlan:
    """The targets for a selection and what the pool holds against them."""

    number_wanted: int
    population: str
    population_place_ids: list[int]
    tolerance: int
    #: contactable members of the segment, and those of them the selection can draw on.
    contactable: int
    pool_size: int
    characteristics: list[CharacteristicPlan]
    #: the pool, one dict per person: "id" and a value for each chosen characteristic.
    people: list[dict[str, str]] = field(repr=False, default_factory=list)

    @property
    def shortfalls(self) -> list[tuple[CharacteristicPlan, CategoryPlan]]:
        """The categories whose target the pool cannot meet."""
        return [(c, row) for c in self.characteristics for row in c.rows if row.short]


class QuotasShort(SelectionError):
    """The pool has fewer people than the target in some categories; ``plan`` says which."""

    def __init__(self, plan: QuotaPlan):
        self.plan = plan
        parts = [
            f"{c.label} {row.label}: target {row.target}, {row.pool} in the pool "
            f"(short by {row.short})"
            for c, row in plan.shortfalls
        ]
        super().__init__(
            "These targets cannot be met from the pool: "
            + "; ".join(parts)
            + ". Tick “Select anyway” to aim for everyone the pool has in those groups and share "
            "the other places among the other groups, or change the number or characteristics."
        )


def characteristics(session: Session, user: StaffUser, segment: Segment) -> list[Characteristic]:
    """Every characteristic a selection from ``segment`` can match, with its categories (place
    only where its members can be in more than one: every place the user can see)."""
    places = _member_places(session, user, segment)
    result = []
    for key, label in SELECTION_FEATURES:
        if key == "place":
            if len(places) < 2:
                continue
            categories = [(str(p.id), p.name) for p in places]
        else:
            categories = list(DIMENSIONS[key][2])
        result.append(Characteristic(key, label, categories))
    return result


def population_choices(
    session: Session, user: StaffUser, segment: Segment
) -> list[tuple[int, str]] | None:
    """What an ICB-wide segment's selection may match (0: every place the user can see); None
    for a segment of one place, which matches that place."""
    if segment.place_id is not None:
        return None
    places = _member_places(session, user, segment)
    return [(0, _population_label(session, places))] + [(p.id, p.name) for p in places]


def census_percentages(
    session: Session, user: StaffUser, segment: Segment
) -> dict[str, dict[str, float]]:
    """{characteristic: {category: Census 2021 percentage}} for the segment's default population
    (what the form shows beside each target box)."""
    places = population_places(session, user, segment, None)
    percentages = {}
    for characteristic in characteristics(session, user, segment):
        counts, _notes = _census_counts(session, characteristic, places)
        total = sum(counts.values())
        percentages[characteristic.key] = {
            code: round(count / total * 100, 1) if total else 0.0 for code, count in counts.items()
        }
    return percentages


def population_places(
    session: Session, user: StaffUser, segment: Segment, place_id: int | None
) -> list[Place]:
    """The places whose population the selection matches (see the module). Raises
    SelectionError for a place the user cannot choose."""
    if segment.place_id is not None:
        if place_id not in (None, 0, segment.place_id):
            raise SelectionError("This segment is for one place: its selection matches that place")
        return [segment.place]
    places = _member_places(session, user, segment)
    if place_id:
        places = [p for p in places if p.id == place_id]
        if not places:
            raise SelectionError("Choose one of the places shown")
    return places


def plan_selection(
    session: Session,
    user: StaffUser,
    segment: Segment,
    number_wanted: int,
    features: list[str],
    now: datetime,
    *,
    population_place_id: int | None = None,
    target_shares: dict[str, dict[str, Decimal]] | None = None,
) -> QuotaPlan:
    """The targets for ``number_wanted`` people on each of ``features`` and the pool against
    them (writes only the equality-data rule's audit rows). Raises SelectionError and
    SpecialCategoryRefused (BALANCE: the characteristics; SELECT: the segment)."""
    target_shares = target_shares or {}
    features = list(dict.fromkeys(features))
    check_special_category(
        session, user, [*features, *target_shares], Use.BALANCE, object_ids=[segment.id], now=now
    )
    by_key = {c.key: c for c in characteristics(session, user, segment)}
    unknown = [key for key in [*features, *target_shares] if key not in by_key]
    if unknown or not features:
        raise SelectionError("Choose at least one characteristic from those shown")
    if set(target_shares) - set(features):
        raise SelectionError("Targets were set for a characteristic the selection does not match")
    places = population_places(session, user, segment, population_place_id)
    label = _population_label(session, places)
    everyone = _people(session, segment, user, now, features)
    chosen = [by_key[key] for key in features]
    known = [
        person for person in everyone if all(person[c.key] in dict(c.categories) for c in chosen)
    ]
    if number_wanted < 1:
        raise SelectionError("Ask for at least one person")
    if number_wanted > len(known):
        raise SelectionError(_too_many(len(everyone), len(known), number_wanted))
    plans = []
    for characteristic in chosen:
        if characteristic.key in target_shares:
            weights = _user_weights(characteristic, target_shares[characteristic.key])
            source, notes = YOUR_TARGETS, []
        else:
            weights, notes = _census_counts(session, characteristic, places)
            source = f"Census 2021: {label}"
            if not sum(weights.values()):
                raise SelectionError(
                    f"There are no Census 2021 figures for {characteristic.label.lower()} in "
                    f"{label}: set your own targets for it"
                )
        targets = largest_remainder(weights, number_wanted)
        total = sum(Fraction(w) for w in weights.values())
        pool = {code: 0 for code, _ in characteristic.categories}
        for person in known:
            pool[person[characteristic.key]] += 1
        rows = [
            CategoryPlan(
                code,
                category_label,
                round(float(Fraction(weights[code]) / total * 100), 1),
                targets[code],
                pool[code],
                Fraction(weights[code]) / total,
            )
            for code, category_label in characteristic.categories
        ]
        not_known = sum(1 for p in everyone if p[characteristic.key] not in pool)
        plans.append(
            CharacteristicPlan(
                characteristic.key, characteristic.label, source, not_known, rows, notes
            )
        )
    return QuotaPlan(
        number_wanted,
        label,
        [p.id for p in places],
        tolerance(number_wanted),
        len(everyone),
        len(known),
        plans,
        [{"id": p["id"], **{c.key: p[c.key] for c in chosen}} for p in known],
    )


def _too_many(contactable_count: int, known: int, wanted: int) -> str:
    if known == contactable_count:
        return (
            f"The segment has {contactable_count} members who can be contacted: "
            f"ask for {contactable_count} or fewer"
        )
    return (
        f"The segment has {contactable_count} members who can be contacted, and "
        f"{contactable_count - known} of them have not told us one of the characteristics "
        f"chosen, so {known} can be selected: ask for {known} or fewer, or choose other "
        "characteristics"
    )


def _user_weights(characteristic: Characteristic, shares: dict[str, Decimal]) -> dict[str, Decimal]:
    codes = {code for code, _ in characteristic.categories}
    if set(shares) - codes:
        raise SelectionError(f"Targets for {characteristic.label.lower()}: unknown category")
    weights = {code: Decimal(shares.get(code, 0)) for code, _ in characteristic.categories}
    problem = target_share_problem(weights)
    if problem:
        raise SelectionError(f"Targets for {characteristic.label.lower()}: {problem}")
    return weights


def _census_counts(
    session: Session, characteristic: Characteristic, places: list[Place]
) -> tuple[dict[str, int], list[str]]:
    """Census 2021 usual residents of ``places`` in each category, added up, and the notes."""
    counts = {code: 0 for code, _ in characteristic.categories}
    if characteristic.key == "place":
        for place in places:
            if str(place.id) in counts:
                counts[str(place.id)] = place.population or 0
        return counts, []
    notes: set[str] = set()
    figures = session.scalars(
        sa.select(PopulationFigure).where(
            PopulationFigure.dimension == characteristic.key,
            PopulationFigure.place_id.in_([p.id for p in places]),
        )
    )
    names = {p.id: p.name for p in places}
    for figure in figures:
        if figure.category in counts:
            counts[figure.category] += figure.population
        if figure.note:
            notes.add(f"{names[figure.place_id]}: {figure.note}")
    return counts, sorted(notes)


def _member_places(session: Session, user: StaffUser, segment: Segment) -> list[Place]:
    """The places the segment's members can be in: its own, or every place the user sees."""
    if segment.place_id is not None:
        return [segment.place]
    return list(
        session.scalars(scope_to_places(sa.select(Place).order_by(Place.name), user, Place.id))
    )


def _population_label(session: Session, places: list[Place]) -> str:
    if len(places) == 1:
        return places[0].name
    every_place = session.scalar(sa.select(sa.func.count()).select_from(Place))
    if len(places) == every_place:
        return "the whole ICB (every place, weighted by its population)"
    names = [p.name for p in places]
    return f"{', '.join(names[:-1])} and {names[-1]} together, weighted by population"


def pool_people(
    session: Session, segment: Segment, user: StaffUser, now: datetime, features: list[str]
) -> list[dict[str, str]]:
    """The pool a selection from ``segment`` draws from (see _people); raises
    SpecialCategoryRefused as selecting does."""
    return _people(session, segment, user, now, features)


def _people(
    session: Session, segment: Segment, user: StaffUser, now: datetime, features: list[str]
) -> list[dict[str, str]]:
    """Contactable members of the segment with their value for each chosen characteristic
    ("" when not known). Only the chosen characteristics are read."""
    query = contactable(
        segment_member_query(session, segment, user, now, use=Use.SELECT),
        contact_rules(session),
        now,
        group_caps(session),
    )
    expressions = {
        key: Member.place_id if key == "place" else DIMENSIONS[key][1] for key in features
    }
    columns = [Member.id] + [expression.label(key) for key, expression in expressions.items()]
    rows = session.execute(query.with_only_columns(*columns).order_by(Member.id))
    return [
        {
            "id": str(row.id),
            **{
                key: "" if getattr(row, key) is None else str(getattr(row, key)) for key in features
            },
        }
        for row in rows
    ]
