"""Places at an event: taking one, giving one up, and offering freed places to the waiting list.

The confirmed count only moves through conditional UPDATEs (``... WHERE confirmed_count <
capacity``), so two people replying yes to the last place at the same instant cannot both get
it: the database serialises the two updates and the second matches no row. Services flush; the
caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.field_errors import FieldError
from surveys.engagement_events.models import (
    MAY_TAKE_PLACE,
    EngagementEvent,
    EventInvitation,
    EventStatus,
    InvitationState,
)

#: called as f(session, invitation, now) when a freed place is given to someone on the waiting
#: list, in the same transaction, so they are told straight away through their channel.
PlaceOffered = Callable[[Session, EventInvitation, datetime], None]


class RepliesClosed(FieldError):
    """The event no longer takes replies (closed, cancelled or not yet open)."""


class CapacityBelowConfirmed(FieldError):
    """A new capacity smaller than the number of people already confirmed."""

    field = "capacity"


def _move(session: Session, invitation_id: int, to: InvitationState, now: datetime, **values):
    """Move an invitation to ``to`` only if it is still in a state that allows it; True if so."""
    allowed = {
        InvitationState.CONFIRMED: MAY_TAKE_PLACE,
        InvitationState.WAITING: (InvitationState.INVITED,),
        InvitationState.DECLINED: (*MAY_TAKE_PLACE, InvitationState.CONFIRMED),
        InvitationState.CANCELLED: (InvitationState.CONFIRMED, InvitationState.WAITING),
    }[to]
    moved = session.execute(
        sa.update(EventInvitation)
        .where(EventInvitation.id == invitation_id, EventInvitation.state.in_(allowed))
        .values(state=to, replied_at=now, reply_nonce=secrets.token_hex(16), **values)
        .execution_options(synchronize_session=False)
    )
    return moved.rowcount == 1


def _claim_seat(session: Session, event_id: int) -> bool:
    """Add one to the confirmed count if a place is free; True if this caller got it."""
    claimed = session.execute(
        sa.update(EngagementEvent)
        .where(
            EngagementEvent.id == event_id,
            EngagementEvent.status == EventStatus.OPEN,
            EngagementEvent.confirmed_count < EngagementEvent.capacity,
        )
        .values(confirmed_count=EngagementEvent.confirmed_count + 1)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _free_seat(session: Session, event_id: int) -> None:
    session.execute(
        sa.update(EngagementEvent)
        .where(EngagementEvent.id == event_id, EngagementEvent.confirmed_count > 0)
        .values(confirmed_count=EngagementEvent.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )


def _refresh(session: Session, *objects) -> None:
    for obj in objects:
        session.refresh(obj)


def accept_invitation(session: Session, invitation: EventInvitation, now: datetime) -> bool:
    """Reply yes: a confirmed place if one is free, else a place on the waiting list.

    Returns True when confirmed. Raises RepliesClosed after the closing date or for a cancelled
    event. A second yes from someone already confirmed or waiting changes nothing."""
    event = invitation.event
    if not event.replies_open(now):
        raise RepliesClosed("Replies to this event have closed.")
    if invitation.state not in MAY_TAKE_PLACE:
        return invitation.state is InvitationState.CONFIRMED
    confirmed = _claim_seat(session, event.id)
    if confirmed:
        if not _move(session, invitation.id, InvitationState.CONFIRMED, now):
            # Someone else moved this invitation first (the same link used twice at once).
            _free_seat(session, event.id)
            confirmed = False
    elif invitation.state is InvitationState.INVITED:
        _move(session, invitation.id, InvitationState.WAITING, now, waiting_since=now)
    _refresh(session, invitation, event)
    return confirmed


def decline_invitation(
    session: Session,
    invitation: EventInvitation,
    now: datetime,
    on_offer: PlaceOffered | None = None,
) -> bool:
    """Reply no (or cancel from the email): a confirmed place is freed and offered to the
    waiting list at once. Returns True if this call moved the invitation (False when it had
    already been declined or cancelled). Raises RepliesClosed for a cancelled event."""
    event = invitation.event
    if event.status is EventStatus.CANCELLED:
        raise RepliesClosed("This event has been cancelled.")
    held_place = invitation.state is InvitationState.CONFIRMED
    to = InvitationState.CANCELLED if held_place else InvitationState.DECLINED
    if invitation.state is InvitationState.WAITING:
        to = InvitationState.CANCELLED
    if not _move(session, invitation.id, to, now):
        _refresh(session, invitation)
        return False
    if held_place:
        _free_seat(session, event.id)
        offer_free_places(session, event, now, on_offer)
    _refresh(session, invitation, event)
    return True


def offer_free_places(
    session: Session,
    event: EngagementEvent,
    now: datetime,
    on_offer: PlaceOffered | None = None,
) -> list[EventInvitation]:
    """Give free places to the waiting list, longest waiting first; returns who got one."""
    given = []
    waiting = session.scalars(
        sa.select(EventInvitation)
        .where(
            EventInvitation.event_id == event.id,
            EventInvitation.state == InvitationState.WAITING,
        )
        .order_by(EventInvitation.waiting_since, EventInvitation.id)
    ).all()
    for invitation in waiting:
        if not _claim_seat(session, event.id):
            break
        if not _move(session, invitation.id, InvitationState.CONFIRMED, now):
            _free_seat(session, event.id)
            continue
        session.refresh(invitation)
        given.append(invitation)
        if on_offer is not None:
            on_offer(session, invitation, now)
    session.refresh(event)
    return given


def change_capacity(
    session: Session,
    event: EngagementEvent,
    capacity: int,
    now: datetime,
    on_offer: PlaceOffered | None = None,
) -> list[EventInvitation]:
    """Set the capacity; extra places go to the waiting list. Raises CapacityBelowConfirmed
    when fewer places than people already confirmed are asked for."""
    if capacity < 1:
        raise FieldError("Enter a capacity of at least 1.", "capacity")
    changed = session.execute(
        sa.update(EngagementEvent)
        .where(EngagementEvent.id == event.id, EngagementEvent.confirmed_count <= capacity)
        .values(capacity=capacity, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(event)
    if changed.rowcount != 1:
        raise CapacityBelowConfirmed(
            f"{event.confirmed_count} people are already confirmed: enter a capacity of at "
            f"least {event.confirmed_count}, or cancel places first."
        )
    if event.status is EventStatus.OPEN:
        return offer_free_places(session, event, now, on_offer)
    return []
