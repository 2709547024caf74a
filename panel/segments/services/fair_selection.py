"""Fair selection from a segment for focus groups and deliberative events.

A selection records the special category fields it was narrowed or balanced by; only the comms
team may make such a selection or see whom it chose (panel.segments.services.special_category).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.csv_export import csv_text
from panel.members.models import Member
from panel.segments.models import FairSelection, Segment
from panel.segments.selection import Quota, SelectionResult, select_fairly
from panel.segments.services.quotas import (
    QuotaPlan,
    QuotasShort,
    characteristics,
    plan_selection,
    pool_people,
)
from panel.segments.services.special_category import (
    SPECIAL_CATEGORY_FIELDS,
    SpecialCategoryRefused,
    Use,
    check_special_category,
    special_category_fields,
)
from panel.segments.targets import quota_range, targets_within_pool


def run_fair_selection(
    session: Session,
    user: StaffUser,
    segment: Segment,
    number_wanted: int,
    features: list[str],
    seed: int,
    now: datetime,
    *,
    population_place_id: int | None = None,
    target_shares: dict[str, dict[str, Decimal]] | None = None,
    accept_shortfall: bool = False,
    widen_by: int = 0,
) -> FairSelection:
    """Select, store and audit: quotas from the plan (panel.segments.services.quotas), the
    same seed and inputs giving the same people.

    A pool short of a target stops here (QuotasShort) unless ``accept_shortfall``: then the
    short categories aim for everyone the pool has and the others share the rest. Quotas no group
    meets at once are widened only up to ``widen_by`` people either side (QuotasConflict says
    how far they need). Raises SelectionError (of which both), and SpecialCategoryRefused."""
    features = list(dict.fromkeys(features))
    plan = plan_selection(
        session,
        user,
        segment,
        number_wanted,
        features,
        now,
        population_place_id=population_place_id,
        target_shares=target_shares,
    )
    if plan.shortfalls and not accept_shortfall:
        raise QuotasShort(plan)
    quotas = _quotas(plan)
    result = select_fairly(plan.people, quotas, number_wanted, seed, widen_up_to=widen_by)
    selection = FairSelection(
        segment_id=segment.id,
        number_wanted=number_wanted,
        seed=seed,
        features=features,
        population_place_ids=plan.population_place_ids,
        target_shares={
            key: {code: str(share) for code, share in shares.items()}
            for key, shares in (target_shares or {}).items()
        },
        member_ids=[int(i) for i in result.selected_ids],
        special_category_fields=sorted(
            set(special_category_fields(segment.definition))
            | (set(features) & SPECIAL_CATEGORY_FIELDS)
        ),
        created_by_id=user.id,
        created_at=now,
        report=selection_report(plan, quotas, result),
    )
    session.add(selection)
    session.flush()
    record_audit(
        session,
        user,
        "segment.fair_selection",
        "fair_selection",
        [selection.id],
        detail=f"segment {segment.id}: {len(result.selected_ids)} of {plan.pool_size}, "
        f"seed {seed}, population {plan.population}"[:480],
        now=now,
    )
    return selection


def _quotas(plan: QuotaPlan) -> list[Quota]:
    """Each category's target within the tolerance; where the pool is short (the user agreed),
    the targets moved off the short categories (panel.segments.targets.targets_within_pool)."""
    quotas = []
    for characteristic in plan.characteristics:
        targets = {row.code: row.target for row in characteristic.rows}
        if any(row.short for row in characteristic.rows):
            targets = targets_within_pool(
                {row.code: row.weight for row in characteristic.rows},
                {row.code: row.pool for row in characteristic.rows},
                plan.number_wanted,
            )
        for row in characteristic.rows:
            minimum, maximum = quota_range(targets[row.code], plan.number_wanted)
            quotas.append(Quota(characteristic.key, row.code, minimum, min(maximum, row.pool)))
    return quotas


def selection_report(plan: QuotaPlan, quotas: list[Quota], result: SelectionResult) -> dict:
    """What the selection page shows, kept with the selection: for each characteristic and
    category the target, the quota given to the algorithm, the pool, who was selected and the
    gap; and in words, every target that was not met and why."""
    selected_ids = set(result.selected_ids)
    chosen = [person for person in plan.people if person["id"] in selected_ids]
    given = {(q.feature, q.value): q for q in quotas}
    groups, messages = [], []
    for characteristic in plan.characteristics:
        rows = []
        for row in characteristic.rows:
            selected = sum(1 for p in chosen if p[characteristic.key] == row.code)
            minimum, maximum = quota_range(row.target, plan.number_wanted)
            quota = given[(characteristic.key, row.code)]
            # A target the pool was short of is not met, even where the tolerance covers it.
            met = minimum <= selected <= maximum and not row.short
            rows.append(
                {
                    "code": row.code,
                    "label": row.label,
                    "share": row.share,
                    "target": row.target,
                    "pool": row.pool,
                    "short": row.short,
                    "minimum": quota.minimum,
                    "maximum": quota.maximum,
                    "selected": selected,
                    "gap": selected - row.target,
                    "met": met,
                }
            )
            name = f"{characteristic.label} {row.label}"
            if row.short:
                messages.append(
                    f"{name}: the target was {row.target} but the pool had only {row.pool}, so "
                    f"it could not be met (short by {row.short}); the other groups took the "
                    "places left."
                )
            elif not met:
                messages.append(
                    f"{name}: {selected} selected against a target of {row.target}, more than "
                    f"{plan.tolerance} either side."
                )
        groups.append(
            {
                "key": characteristic.key,
                "label": characteristic.label,
                "source": characteristic.source,
                "not_known": characteristic.not_known,
                "notes": characteristic.notes,
                "rows": rows,
            }
        )
    if result.widened_by:
        person = "person" if result.widened_by == 1 else "people"
        messages.insert(
            0,
            f"No group met every quota at once, so each quota was widened by "
            f"{result.widened_by} {person} either side, as you agreed.",
        )
    return {
        "population": plan.population,
        "tolerance": plan.tolerance,
        "contactable": plan.contactable,
        "pool": plan.pool_size,
        "widened_by": result.widened_by,
        "all_met": all(row["met"] for group in groups for row in group["rows"]),
        "messages": messages,
        "characteristics": groups,
    }


def _check_result_access(
    session: Session, user: StaffUser, selection: FairSelection, now: datetime
) -> None:
    """The one gate for whom a selection chose: its page and its export (audited)."""
    check_special_category(
        session,
        user,
        selection.special_category_fields,
        Use.SELECTION_RESULT,
        object_type="fair_selection",
        object_ids=[selection.id],
        now=now,
    )


def export_selection_csv(
    session: Session, user: StaffUser, selection: FairSelection, now: datetime
) -> str:
    """Contact details of the selected members (still on the panel, in the user's places).
    Raises SpecialCategoryRefused for a selection made with special category fields."""
    _check_result_access(session, user, selection, now)
    query = scope_to_places(
        sa.select(Member).where(Member.id.in_(selection.member_ids)), user, Member.place_id
    ).where(Member.email.is_not(None))
    members = list(session.scalars(query.order_by(Member.last_name, Member.first_name)))
    text = csv_text(
        ["member_id", "first_name", "last_name", "email", "postcode", "place"],
        (
            (
                member.id,
                member.first_name,
                member.last_name,
                member.email,
                member.postcode,
                member.place.name if member.place else "",
            )
            for member in members
        ),
    )
    record_audit(
        session,
        user,
        "segment.fair_selection_export",
        "member",
        [m.id for m in members],
        detail=f"selection {selection.id}",
        now=now,
    )
    return text


def selection_withheld(
    session: Session, user: StaffUser, selection: FairSelection, now: datetime
) -> str:
    """Why whom the selection chose (and how its quotas came out) is not shown to this user, or
    "": a selection made with special category fields is for the comms team only; audited."""
    try:
        _check_result_access(session, user, selection, now)
    except SpecialCategoryRefused as error:
        return str(error)
    return ""


#: reserves kept for each stratum of a selection: enough to replace several who decline.
RESERVES_PER_STRATUM = 10


@dataclass(frozen=True)
class ReserveList:
    """A selection's strata and its ordered reserves."""

    #: member id -> the stratum (the selection's characteristics, in words) of each person in
    #: the pool now, the selected among them.
    strata: dict[int, str]
    #: member ids not selected, best first, at most RESERVES_PER_STRATUM in each stratum that
    #: has selected people.
    reserves: list[int]


def reserve_list(
    session: Session, user: StaffUser, selection: FairSelection, now: datetime
) -> ReserveList:
    """The selection's strata and ordered reserve list: the segment's contactable members not
    selected who share a stratum with someone selected, in the order the selection's seed gives
    (the same pool gives the same order). Raises SpecialCategoryRefused as selecting does."""
    segment = selection.segment
    features = list(selection.features)
    people = pool_people(session, segment, user, now, features)
    labels = {c.key: (c.label, dict(c.categories)) for c in characteristics(session, user, segment)}

    def stratum(person: dict[str, str]) -> str:
        parts = []
        for key in features:
            label, categories = labels.get(key, (key, {}))
            parts.append(f"{label}: {categories.get(person[key], person[key] or 'not known')}")
        return "; ".join(parts)[:200]

    strata = {int(person["id"]): stratum(person) for person in people}
    selected = {int(member_id) for member_id in selection.member_ids}
    wanted = {strata[member_id] for member_id in selected if member_id in strata}
    others = sorted(m for m, s in strata.items() if m not in selected and s in wanted)
    random.Random(selection.seed).shuffle(others)  # noqa: S311 - an order, not a secret
    kept: dict[str, int] = {}
    reserves = []
    for member_id in others:
        if kept.get(strata[member_id], 0) < RESERVES_PER_STRATUM:
            kept[strata[member_id]] = kept.get(strata[member_id], 0) + 1
            reserves.append(member_id)
    return ReserveList(strata, reserves)
