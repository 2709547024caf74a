"""Adding people to an event's invitation list (the emails go through the check page)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState


def add_invitations(
    session: Session,
    event: EngagementEvent,
    member_ids: Iterable[int],
    now: datetime,
    *,
    state: InvitationState = InvitationState.INVITED,
    stratum: str = "",
) -> list[EventInvitation]:
    """Invite members not already on the event's list; returns the new invitations."""
    already = set(
        session.scalars(
            sa.select(EventInvitation.member_id).where(EventInvitation.event_id == event.id)
        )
    )
    added = []
    for member_id in member_ids:
        if member_id in already:
            continue
        already.add(member_id)
        invitation = EventInvitation(
            event_id=event.id,
            member_id=member_id,
            state=state,
            stratum=stratum,
            reply_nonce=secrets.token_hex(16),
            invited_at=now if state is InvitationState.INVITED else None,
        )
        session.add(invitation)
        added.append(invitation)
    session.flush()
    return added
