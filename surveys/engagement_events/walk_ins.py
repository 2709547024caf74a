"""Walk-ins: someone who came without booking is added to the register as attended and, only
if they agree, asked to join the panel through the ordinary joining service (a pending member,
their consent recorded, and the same confirmation email as anyone joining; they are a member
once they confirm). Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.members.models import Member
from panel.members.services.joining import submit_join
from panel.places.services import PostcodeNotAccepted, place_for_postcode
from surveys.engagement_events.attendance import AttendanceError, check_register_open
from surveys.engagement_events.attendance_models import CheckedInBy, EventAttendance
from surveys.engagement_events.models import EngagementEvent

#: recorded with the consents of a walk-in who asked to join.
JOIN_METHOD = "asked to join at an event, in person"


@dataclass
class WalkInFields:
    """What the organiser typed for a walk-in."""

    first_name: str
    last_name: str
    join_panel: bool = False
    email: str = ""
    postcode: str = ""


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise AttendanceError(message, field)
    return value


def _join(session: Session, event: EngagementEvent, fields: WalkInFields, now: datetime) -> int:
    """Ask to join for the walk-in; returns the (pending or existing) member's id."""
    email = _required(fields.email, "email", "Enter their email address to join the panel")
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AttendanceError("Enter an email address like name@example.com", "email")
    postcode = _required(fields.postcode, "postcode", "Enter their postcode to join the panel")
    try:
        place = place_for_postcode(session, postcode).suggested_place(event.place_id)
    except PostcodeNotAccepted as problem:
        raise AttendanceError(str(problem), "postcode") from None
    if place is None:
        raise AttendanceError(
            "This postcode is on the edge of the area: ask them to join online, where they can "
            "say which place they live in",
            "postcode",
        )
    answers = {
        "first_name": fields.first_name,
        "last_name": fields.last_name,
        "email": email,
        "postcode": postcode,
        "place_id": place.id,
    }
    submit_join(session, answers, now, method=JOIN_METHOD)
    member_id = session.scalar(sa.select(Member.id).where(Member.email == email.lower()))
    if member_id is None:  # pragma: no cover - submit_join always leaves a member
        raise AttendanceError("They could not be joined: try again", "email")
    return member_id


def add_walk_in(
    session: Session, event: EngagementEvent, fields: WalkInFields, user: StaffUser, now: datetime
) -> EventAttendance:
    """Add a walk-in to the register as attended and, if they agreed, ask to join the panel for
    them. Raises AttendanceError naming the field at fault (and when the register is closed)."""
    check_register_open(event, now)
    first = _required(fields.first_name, "first_name", "Enter their first name")
    last = _required(fields.last_name, "last_name", "Enter their last name")
    if len(first) > 80 or len(last) > 80:
        raise AttendanceError("Names can be up to 80 characters", "first_name")
    fields.first_name, fields.last_name = first, last
    member_id = _join(session, event, fields, now) if fields.join_panel else None
    if member_id is not None:
        already = session.scalar(
            sa.select(EventAttendance.id).where(
                EventAttendance.event_id == event.id, EventAttendance.member_id == member_id
            )
        )
        if already is not None:  # booked, or added as a walk-in before (the caller rolls back)
            raise AttendanceError(f"{first} {last} is already on the register", "email")
    row = EventAttendance(
        event_id=event.id,
        member_id=member_id,
        walk_in_name=f"{first} {last}",
        attended=True,
        checked_in_by=CheckedInBy.WALK_IN,
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(row)
    session.flush()
    return row
