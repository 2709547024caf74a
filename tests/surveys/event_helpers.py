"""Helpers for engagement event tests: an open event and invitations to it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from surveys.engagement_events.models import (
    EngagementEvent,
    EventFormat,
    EventInvitation,
    EventStatus,
    InvitationState,
)
from surveys.models import InvolvementLevel
from tests.factories import make_member


def make_event(session, now, *, capacity=10, status=EventStatus.OPEN, **overrides):
    """An open in-person event a fortnight away whose replies close in a week."""
    values = {
        "title": "Diabetes care workshop",
        "purpose": "Hear how people manage diabetes care between appointments.",
        "involvement": InvolvementLevel.DISCUSS,
        "format": EventFormat.IN_PERSON,
        "venue": "Central Library, Blackpool",
        "starts_at": now + timedelta(days=14),
        "ends_at": now + timedelta(days=14, hours=2),
        "replies_close_at": now + timedelta(days=7),
        "capacity": capacity,
        "status": status,
    }
    values.update(overrides)
    event = EngagementEvent(**values)
    session.add(event)
    session.flush()
    return event


def invite(session, event, now, member=None, state=InvitationState.INVITED):
    """An invitation to ``event`` for ``member`` (a new member if none)."""
    invitation = EventInvitation(
        event_id=event.id,
        member_id=(member or make_member(session)).id,
        state=state,
        reply_nonce=secrets.token_hex(16),
        invited_at=now,
    )
    session.add(invitation)
    session.flush()
    session.refresh(invitation)
    return invitation
