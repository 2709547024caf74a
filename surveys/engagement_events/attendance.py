"""On the day: the register (one mark per person, attended or absent, and undo), the signed
check-in link behind the attendee's QR code, and who attended (for the follow-up survey and,
later, involvement payment claims). Services flush; the caller commits.

Only people with a confirmed place are on the register; walk-ins are added by
``surveys.engagement_events.walk_ins``. The register is open from REGISTER_OPENS_BEFORE the
start until REGISTER_CLOSES_AFTER the end, and never for a cancelled event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.members.models import Member
from panel.tokens import InvalidToken, TokenPurpose, make_token, read_token
from surveys.engagement_events.attendance_models import CheckedInBy, EventAttendance
from surveys.engagement_events.models import (
    EngagementEvent,
    EventFormat,
    EventInvitation,
    EventStatus,
    InvitationState,
)

#: the register opens on the morning of the event...
REGISTER_OPENS_BEFORE = timedelta(hours=12)
#: ...and stays open a fortnight after it, for late corrections.
REGISTER_CLOSES_AFTER = timedelta(days=14)

#: where an organiser opens an attendee's QR code (the staff blueprint's prefix).
CHECK_IN_PATH = "/staff/events"


class AttendanceError(FieldError):
    """Attendance cannot be recorded; the message says why."""


def check_register_open(event: EngagementEvent, now: datetime) -> None:
    """Raise AttendanceError if attendance cannot be recorded for the event now."""
    if event.status is EventStatus.CANCELLED:
        raise AttendanceError("This event was cancelled, so no attendance can be recorded")
    if event.status is not EventStatus.OPEN:
        raise AttendanceError("This event is not open, so no attendance can be recorded")
    if now < event.starts_at - REGISTER_OPENS_BEFORE:
        raise AttendanceError("The register opens on the day of the event")
    if now > event.ends_at + REGISTER_CLOSES_AFTER:
        raise AttendanceError("The register closed two weeks after the event")


def register_is_open(event: EngagementEvent, now: datetime) -> bool:
    """Whether attendance can be recorded for the event now."""
    try:
        check_register_open(event, now)
    except AttendanceError:
        return False
    return True


def _name(session: Session, invitation: EventInvitation) -> str:
    if invitation.member_id is None:  # registered on the public page
        return invitation.registrant_name or "This person"
    member = session.get(Member, invitation.member_id)
    return member.display_name if member else "This person"


def attendance_for(session: Session, invitation: EventInvitation) -> EventAttendance | None:
    """The attendance recorded for a booking, if any."""
    return session.scalar(
        sa.select(EventAttendance).where(EventAttendance.invitation_id == invitation.id)
    )


def mark_booked(
    session: Session,
    event: EngagementEvent,
    invitation: EventInvitation,
    attended: bool,
    user: StaffUser,
    now: datetime,
    how: CheckedInBy = CheckedInBy.REGISTER,
) -> EventAttendance:
    """Mark someone with a confirmed place as attended or absent (marking the other way
    corrects an earlier mark). Raises AttendanceError for someone without a confirmed place at
    this event, the same mark twice, or a register that is not open."""
    check_register_open(event, now)
    name = _name(session, invitation)
    if invitation.event_id != event.id:
        raise AttendanceError(f"{name} is not invited to this event")
    if invitation.state is not InvitationState.CONFIRMED:
        raise AttendanceError(f"{name} does not have a confirmed place at this event")
    row = attendance_for(session, invitation)
    if row is not None and row.attended == attended:
        raise AttendanceError(
            f"{name} is already marked {'attended' if attended else 'absent'}", "attended"
        )
    if row is None:
        row = EventAttendance(
            event_id=event.id, invitation_id=invitation.id, member_id=invitation.member_id
        )
        session.add(row)
    row.attended, row.checked_in_by = attended, how
    row.recorded_by_id, row.recorded_at = user.id, now
    session.flush()
    return row


def undo(session: Session, event: EngagementEvent, attendance_id: int, now: datetime) -> str:
    """Take a mark (or a walk-in) off the register; returns the person's name. Raises
    AttendanceError when there is nothing to undo or the register is not open."""
    check_register_open(event, now)
    row = session.get(EventAttendance, attendance_id)
    if row is None or row.event_id != event.id:
        raise AttendanceError("There is nothing to undo: the mark was already taken off")
    member = session.get(Member, row.member_id) if row.member_id else None
    name = row.walk_in_name or (member.display_name if member else "This person")
    session.delete(row)
    session.flush()
    return name


# The check-in link behind the QR code.


def check_in_token(invitation: EventInvitation) -> str:
    """The signed token of a booking's check-in link (it names the booking, nothing else)."""
    return make_token(TokenPurpose.EVENT_CHECK_IN, [invitation.id])


def check_in_url(invitation: EventInvitation) -> str:
    """The address an organiser's phone or tablet opens from the attendee's QR code, built from
    the configured public address (emails are built by jobs without a request)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return f"{base}{CHECK_IN_PATH}/{invitation.event_id}/check-in/{check_in_token(invitation)}"


def check_in_code(invitation: EventInvitation, now: datetime, draw) -> str:
    """The QR code (drawn by ``draw``, e.g. panel.qr.qr_data_uri) an attendee shows at the door:
    only for a confirmed place at an in-person or hybrid event not yet over; else ""."""
    event = invitation.event
    if (
        invitation.state is not InvitationState.CONFIRMED
        or event.status is not EventStatus.OPEN
        or event.format is EventFormat.ONLINE
        or now > event.ends_at
    ):
        return ""
    return draw(check_in_url(invitation))


def booking_for_check_in(
    session: Session, event: EngagementEvent, token: str, now: datetime
) -> EventInvitation:
    """The booking a QR code names, if it can be checked in to this event now. Raises
    AttendanceError: a code this site did not make, one for another event, a booking that is
    not confirmed, or a register that is not open (the link has expired)."""
    try:
        (invitation_id,) = read_token(TokenPurpose.EVENT_CHECK_IN, token, None)
    except (InvalidToken, TypeError, ValueError):
        raise AttendanceError("This is not a check-in code from this site") from None
    invitation = (
        session.get(EventInvitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None:
        raise AttendanceError("This booking no longer exists")
    if invitation.event_id != event.id:
        raise AttendanceError(
            f"This code is for another event: {invitation.event.title}. Open that event's "
            "register to check them in"
        )
    if event.status is not EventStatus.CANCELLED and now > event.ends_at + REGISTER_CLOSES_AFTER:
        raise AttendanceError("This check-in code has expired: the register has closed")
    check_register_open(event, now)
    if invitation.state is not InvitationState.CONFIRMED:
        raise AttendanceError(f"{_name(session, invitation)} does not have a confirmed place")
    return invitation


# What the register shows, and who came.


@dataclass(frozen=True)
class RegisterRow:
    """One person on the register (a booking or a walk-in)."""

    name: str
    invitation_id: int | None
    attendance: EventAttendance | None
    access_needs: str = ""
    dietary_needs: str = ""
    walk_in_joined: bool = False


def register_rows(session: Session, event: EngagementEvent) -> list[RegisterRow]:
    """Everyone with a confirmed place (and anyone marked before they cancelled), by surname,
    then the walk-ins in the order they came. The caller checks the user organises the event
    and audits the access (names and access needs)."""
    marks = {
        row.invitation_id: row
        for row in session.scalars(
            sa.select(EventAttendance).where(EventAttendance.event_id == event.id)
        )
        if row.invitation_id is not None
    }
    # An outer join: registrants from the public page have no member, only the name they gave.
    booked = session.execute(
        sa.select(Member, EventInvitation)
        .outerjoin(Member, Member.id == EventInvitation.member_id)
        .where(
            EventInvitation.event_id == event.id,
            sa.or_(
                EventInvitation.state == InvitationState.CONFIRMED,
                EventInvitation.id.in_(list(marks)),
            ),
        )
        .order_by(
            sa.func.coalesce(Member.last_name, EventInvitation.registrant_name),
            Member.first_name,
            EventInvitation.id,
        )
    ).all()
    rows = [
        RegisterRow(
            member.display_name if member is not None else invitation.registrant_name,
            invitation.id,
            marks.get(invitation.id),
            invitation.access_needs,
            invitation.dietary_needs,
        )
        for member, invitation in booked
    ]
    walk_ins = session.scalars(
        sa.select(EventAttendance)
        .where(EventAttendance.event_id == event.id, EventAttendance.invitation_id.is_(None))
        .order_by(EventAttendance.recorded_at, EventAttendance.id)
    ).all()
    rows += [
        RegisterRow(row.walk_in_name, None, row, walk_in_joined=row.member_id is not None)
        for row in walk_ins
    ]
    return rows


@dataclass(frozen=True)
class AttendanceCounts:
    """The register's figures for the organiser."""

    booked: int
    attended: int
    absent: int
    walk_ins: int


def attendance_counts(session: Session, event: EngagementEvent) -> AttendanceCounts:
    """How many are booked, marked attended (walk-ins included), absent, and walked in."""
    booked = session.scalar(
        sa.select(sa.func.count(EventInvitation.id)).where(
            EventInvitation.event_id == event.id,
            EventInvitation.state == InvitationState.CONFIRMED,
        )
    )
    rows = session.execute(
        sa.select(EventAttendance.attended, EventAttendance.invitation_id.is_(None)).where(
            EventAttendance.event_id == event.id
        )
    ).all()
    return AttendanceCounts(
        booked=booked or 0,
        attended=sum(1 for attended, _ in rows if attended),
        absent=sum(1 for attended, _ in rows if not attended),
        walk_ins=sum(1 for _, walk_in in rows if walk_in),
    )


def attendee_member_ids(event: EngagementEvent):
    """A select() of the members marked attended at the event (bookings and walk-ins who joined
    the panel): the follow-up survey's audience and, later, who may claim payment."""
    return sa.select(EventAttendance.member_id).where(
        EventAttendance.event_id == event.id,
        EventAttendance.attended.is_(True),
        EventAttendance.member_id.is_not(None),
    )
