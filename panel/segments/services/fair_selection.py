"""Fair selection from a segment for focus groups and deliberative events.

A selection records the special category fields it was narrowed or balanced by; only the comms
team may make such a selection or see whom it chose (panel.segments.services.special_category).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member
from panel.members.services.directory import spreadsheet_safe
from panel.places.models import Place, PopulationFigure
from panel.segments.models import FairSelection, Segment
from panel.segments.selection import SelectionError, quotas_from_population, select_fairly
from panel.segments.services.fatigue import contact_rules, contactable
from panel.segments.services.representativeness import DIMENSIONS
from panel.segments.services.segments import segment_member_query
from panel.segments.services.special_category import (
    SPECIAL_CATEGORY_FIELDS,
    SpecialCategoryRefused,
    Use,
    check_special_category,
    special_category_fields,
)

UNKNOWN = "unknown"


def _people(session: Session, segment: Segment, user: StaffUser, now: datetime) -> list[dict]:
    query = contactable(
        segment_member_query(session, segment, user, now, use=Use.SELECT),
        contact_rules(session),
        now,
    )
    columns = [Member.id, Member.place_id] + [
        spec[1].label(key) for key, spec in DIMENSIONS.items()
    ]
    rows = session.execute(query.with_only_columns(*columns).order_by(Member.id))
    people = []
    for row in rows:
        person = {"id": str(row.id), "place": str(row.place_id)}
        for key in DIMENSIONS:
            person[key] = getattr(row, key) or UNKNOWN
        people.append(person)
    return people


def _population_shares(
    session: Session, features: list[str], place_ids: list[int]
) -> dict[str, dict[str, float]]:
    shares: dict[str, dict[str, float]] = {}
    for feature in features:
        if feature == "place":
            populations = {
                str(p.id): p.population or 0
                for p in session.scalars(sa.select(Place).where(Place.id.in_(place_ids)))
            }
        else:
            populations = {}
            for figure in session.scalars(
                sa.select(PopulationFigure).where(
                    PopulationFigure.dimension == feature, PopulationFigure.place_id.in_(place_ids)
                )
            ):
                populations[figure.category] = (
                    populations.get(figure.category, 0) + figure.population
                )
        total = sum(populations.values()) or 1
        shares[feature] = {value: count / total for value, count in populations.items()}
    return shares


def run_fair_selection(
    session: Session,
    user: StaffUser,
    segment: Segment,
    number_wanted: int,
    features: list[str],
    seed: int,
    now: datetime,
) -> FairSelection:
    """Select, store and audit. Raises SelectionError with a message for staff, and
    SpecialCategoryRefused (use BALANCE: the characteristics; SELECT: the segment)."""
    check_special_category(session, user, features, Use.BALANCE, object_ids=[segment.id], now=now)
    people = _people(session, segment, user, now)
    if number_wanted > len(people):
        raise SelectionError(
            f"The segment has {len(people)} members who can be contacted: "
            f"ask for {len(people)} or fewer"
        )
    place_ids = (
        [segment.place_id]
        if segment.place_id
        else list(session.scalars(scope_to_places(sa.select(Place.id), user, Place.id)))
    )
    quotas = quotas_from_population(_population_shares(session, features, place_ids), number_wanted)
    result = select_fairly(
        [{k: p[k] for k in ("id", *features)} for p in people], quotas, number_wanted, seed
    )
    selection = FairSelection(
        segment_id=segment.id,
        number_wanted=number_wanted,
        seed=seed,
        features=features,
        member_ids=[int(i) for i in result.selected_ids],
        special_category_fields=sorted(
            set(special_category_fields(segment.definition))
            | (set(features) & SPECIAL_CATEGORY_FIELDS)
        ),
        created_by_id=user.id,
        created_at=now,
        report={
            "all_met": result.all_met,
            "messages": result.messages,
            "outcomes": [vars(o) for o in result.outcomes],
        },
    )
    session.add(selection)
    session.flush()
    record_audit(
        session,
        user,
        "segment.fair_selection",
        "fair_selection",
        [selection.id],
        detail=f"segment {segment.id}: {len(result.selected_ids)} of {len(people)}, seed {seed}",
        now=now,
    )
    return selection


def export_selection_csv(
    session: Session, user: StaffUser, selection: FairSelection, now: datetime
) -> str:
    """Contact details of the selected members (still on the panel, in the user's places).
    Raises SpecialCategoryRefused for a selection made with special category fields."""
    check_special_category(
        session,
        user,
        selection.special_category_fields,
        Use.SELECTION_RESULT,
        object_type="fair_selection",
        object_ids=[selection.id],
        now=now,
    )
    query = scope_to_places(
        sa.select(Member).where(Member.id.in_(selection.member_ids)), user, Member.place_id
    ).where(Member.email.is_not(None))
    members = list(session.scalars(query.order_by(Member.last_name, Member.first_name)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["member_id", "first_name", "last_name", "email", "postcode", "place"])
    for member in members:
        writer.writerow(
            [
                spreadsheet_safe(v)
                for v in (
                    member.id,
                    member.first_name,
                    member.last_name,
                    member.email,
                    member.postcode,
                    member.place.name if member.place else "",
                )
            ]
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
    return buffer.getvalue()


def selection_withheld(
    session: Session, user: StaffUser, selection: FairSelection, now: datetime
) -> str:
    """Why whom the selection chose (and how its quotas came out) is not shown to this user, or
    "": a selection made with special category fields is for the comms team only; audited."""
    try:
        check_special_category(
            session,
            user,
            selection.special_category_fields,
            Use.SELECTION_RESULT,
            object_type="fair_selection",
            object_ids=[selection.id],
            now=now,
        )
    except SpecialCategoryRefused as error:
        return str(error)
    return ""
