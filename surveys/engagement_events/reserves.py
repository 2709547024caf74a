"""Reserves from a fair selection: when someone chosen for a stratum declines or cancels, the
next reserve of the same stratum (lowest reserve_rank) is invited, so the strata are kept.

A reserve is claimed by a conditional UPDATE (``... WHERE state = 'reserve'``): two declines at
the same instant cannot invite the same reserve, on SQLite (one writer at a time) or PostgreSQL
(the second UPDATE waits for the first's row lock, then matches no row and takes the next).
Services flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.models import Member, MemberStatus
from panel.segments.models import ContactKind
from panel.segments.services.fatigue import (
    contact_rules,
    contactable,
    group_caps,
    record_invitations,
)
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState

#: called as f(session, invitation, now) for a reserve just invited, in the same transaction,
#: to queue their invitation email.
ReserveInvited = Callable[[Session, EventInvitation, datetime], None]

GONE = (InvitationState.DECLINED, InvitationState.CANCELLED)


def _may_contact(session: Session, member_id: int, now: datetime) -> bool:
    """The reserve is still active and within the contact caps, pauses and unsubscribes."""
    query = sa.select(Member.id).where(Member.id == member_id, Member.status == MemberStatus.ACTIVE)
    allowed = contactable(query, contact_rules(session), now, group_caps(session))
    return session.scalar(allowed) is not None


def invite_next_reserve(
    session: Session,
    declined: EventInvitation,
    now: datetime,
    on_invite: ReserveInvited | None = None,
) -> EventInvitation | None:
    """Invite the next reserve in ``declined``'s stratum (the caller has just moved it to
    declined or cancelled); returns them, or None when the invitation was not from a selection,
    replies have closed, or the stratum has no reserve left who may be contacted."""
    event = declined.event
    if not declined.stratum or event.selection_id is None or not event.replies_open(now):
        return None
    candidates = session.execute(
        sa.select(EventInvitation.id, EventInvitation.member_id)
        .where(
            EventInvitation.event_id == event.id,
            EventInvitation.state == InvitationState.RESERVE,
            EventInvitation.stratum == declined.stratum,
        )
        .order_by(EventInvitation.reserve_rank, EventInvitation.id)
    ).all()
    for invitation_id, member_id in candidates:
        if not _may_contact(session, member_id, now):
            continue
        claimed = session.execute(
            sa.update(EventInvitation)
            .where(
                EventInvitation.id == invitation_id,
                EventInvitation.state == InvitationState.RESERVE,
            )
            .values(
                state=InvitationState.INVITED, invited_at=now, reply_nonce=secrets.token_hex(16)
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another decline took this reserve first
        invitation = session.get(EventInvitation, invitation_id)
        session.refresh(invitation)
        record_invitations(session, [member_id], event.id, now, kind=ContactKind.EVENT_INVITATION)
        if on_invite is not None:
            on_invite(session, invitation, now)
        return invitation
    return None


@dataclass(frozen=True)
class StratumShort:
    """A stratum with fewer people invited than the selection chose: declines not replaced."""

    stratum: str
    not_replaced: int


def strata_short_of_reserves(session: Session, event: EngagementEvent) -> list[StratumShort]:
    """Strata where more people declined or cancelled than reserves were invited (the reserves
    ran out, could not be contacted, or replies had closed), for the event page."""
    if event.selection_id is None:
        return []
    rows = session.execute(
        sa.select(
            EventInvitation.stratum,
            sa.func.sum(sa.case((EventInvitation.state.in_(GONE), 1), else_=0)),
            sa.func.sum(
                sa.case(
                    (
                        sa.and_(
                            EventInvitation.reserve_rank.is_not(None),
                            EventInvitation.state != InvitationState.RESERVE,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .where(EventInvitation.event_id == event.id, EventInvitation.stratum != "")
        .group_by(EventInvitation.stratum)
        .order_by(EventInvitation.stratum)
    ).all()
    return [
        StratumShort(stratum, int(gone) - int(brought_in))
        for stratum, gone, brought_in in rows
        if int(gone) > int(brought_in)
    ]
