"""Saving segments and evaluating them, always inside the user's places and always through the
equality-data gate (panel.segments.services.special_category)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.access import can_see_place, scope_to_places, visible_place_ids
from panel.auth.models import Role, StaffUser
from panel.field_errors import FieldError
from panel.members.models import EqualityProfile, Member, MemberStatus
from panel.segments import definition as definitions
from panel.segments.models import Segment
from panel.segments.services.special_category import (
    Use,
    check_special_category,
    may_use_special_category,
    special_category_fields,
)


class SegmentError(FieldError):
    """The segment cannot be saved as asked; the message says why (next to its place)."""

    field = "place_id"


def visible_segments(session: Session, user: StaffUser) -> list[Segment]:
    """Comms and observers see every segment; a place team sees its places' segments only."""
    query = sa.select(Segment).order_by(Segment.name)
    place_ids = visible_place_ids(user)
    if place_ids is not None:
        query = query.where(Segment.place_id.in_(sorted(place_ids)))
    return list(session.scalars(query))


def segment_choices(session: Session, user: StaffUser) -> list[tuple[int, str]]:
    """(id, name) of the user's visible segments for audience choices, naming those the
    equality-data rule keeps from this user (choosing one is refused, with that reason)."""
    allowed = may_use_special_category(user)
    return [
        (
            segment.id,
            segment.name
            if allowed or not special_category_fields(segment.definition)
            else f"{segment.name} (communications team only: uses special category data)",
        )
        for segment in visible_segments(session, user)
    ]


def get_segment_or_404(session: Session, segment_id: int, user: StaffUser) -> Segment:
    """A segment of another team is a 404, exactly like a missing one."""
    segment = session.get(Segment, segment_id)
    if segment is None:
        abort(404)
    if visible_place_ids(user) is not None and not can_see_place(user, segment.place_id):
        abort(404)
    return segment


def _check_owner_place(user: StaffUser, place_id: int | None) -> None:
    if user.role is Role.PLACE and not can_see_place(user, place_id):
        raise SegmentError("Choose one of your places for this segment")
    if user.role is Role.OBSERVER:
        raise SegmentError("Observers cannot create segments")


def create_segment(
    session: Session,
    user: StaffUser,
    name: str,
    description: str,
    place_id: int | None,
    now: datetime,
) -> Segment:
    """A new, empty segment (everyone in its place). Raises SegmentError."""
    _check_owner_place(user, place_id)
    segment = Segment(
        name=" ".join(name.split()),
        description=description.strip(),
        place_id=place_id,
        definition=definitions.empty_definition(),
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(segment)
    session.flush()
    record_audit(session, user, "segment.create", "segment", [segment.id], now=now)
    return segment


def save_definition(
    session: Session, user: StaffUser, segment: Segment, tree: dict, now: datetime
) -> None:
    """Replace the condition tree after validating it. Raises SegmentDefinitionError (of which
    SpecialCategoryRefused, checked first so that every attempt is audited)."""
    check_special_category(
        session, user, special_category_fields(tree), Use.SAVE, object_ids=[segment.id], now=now
    )
    definitions.validate(session, tree, user)
    segment.definition = tree
    segment.updated_at = now
    record_audit(
        session,
        user,
        "segment.update",
        "segment",
        [segment.id],
        detail=definitions.describe(session, tree, user)[:480],
        now=now,
    )


def segment_member_query(
    session: Session,
    segment: Segment,
    user: StaffUser,
    now: datetime,
    zone: str = "Europe/London",
    use: Use = Use.FIGURES,
):
    """Active members matching the segment, within the segment's place and the user's places.

    The place restriction comes from the query layer, so editing a form cannot widen it.
    Raises SpecialCategoryRefused (see members_matching)."""
    return members_matching(
        session, segment.definition, user, now, segment.place_id, zone, use, segment.id
    )


def members_matching(
    session: Session,
    tree: dict,
    user: StaffUser,
    now: datetime,
    place_id: int | None = None,
    zone: str = "Europe/London",
    use: Use = Use.FIGURES,
    segment_id: int | None = None,
):
    """A select of the active members ``tree`` matches, in the user's places, for ``use``.

    Every count, selection, export and send made from conditions starts here, so the
    equality-data gate here covers them all. Raises SpecialCategoryRefused."""
    check_special_category(
        session,
        user,
        special_category_fields(tree),
        use,
        object_ids=[segment_id] if segment_id is not None else [],
        now=now,
    )
    query = (
        sa.select(Member)
        .outerjoin(EqualityProfile)
        .where(Member.status == MemberStatus.ACTIVE, definitions.to_condition(tree, now, zone))
    )
    if place_id is not None:
        query = query.where(Member.place_id == place_id)
    return scope_to_places(query, user, Member.place_id)


def count_members(session: Session, query) -> int:
    """How many members the query matches."""
    return session.scalar(query.with_only_columns(sa.func.count(Member.id)).order_by(None)) or 0
