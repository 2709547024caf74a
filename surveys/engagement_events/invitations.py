"""Adding people to an event's invitation list (the emails go through the check page)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
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
    strata: Mapping[int, str] | None = None,
    ranked: bool = False,
) -> list[EventInvitation]:
    """Invite members not already on the event's list; returns the new invitations.

    ``strata`` gives each member's selection stratum (else ``stratum`` for all); ``ranked``
    numbers the new invitations' reserve_rank in the order of ``member_ids`` (a reserve list)."""
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
            stratum=(strata or {}).get(member_id, stratum),
            reserve_rank=len(added) + 1 if ranked else None,
            reply_nonce=secrets.token_hex(16),
            invited_at=now if state is InvitationState.INVITED else None,
        )
        session.add(invitation)
        added.append(invitation)
    session.flush()
    return added
