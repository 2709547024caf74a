"""A demo webhook endpoint, added before the demo's surveys, results and decisions so their
events queue real messages for it (its address never resolves: the demo shows retries)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.domain_events import EventType
from panel.webhooks.models import WebhookEndpoint
from panel.webhooks.services import EndpointFields, create_endpoint

#: ".example" is reserved (RFC 2606): the address is well formed and can never be reached.
DEMO_URL = "https://webhooks.healthwatch-blackpool.example/panel"


def create_demo_webhooks(session: Session, now: datetime) -> WebhookEndpoint | None:
    """Healthwatch Blackpool's endpoint for results and decisions; once only."""
    if session.scalar(sa.select(WebhookEndpoint.id).limit(1)) is not None:
        return None
    comms = session.scalar(
        sa.select(StaffUser).where(StaffUser.role == Role.COMMS).order_by(StaffUser.id)
    )
    fields = EndpointFields(
        organisation="Healthwatch Blackpool",
        name="Update our website when results or decisions are published",
        url=DEMO_URL,
        contact_email="digital@healthwatch-blackpool.example",
        event_types=[EventType.RESULTS_PUBLISHED, EventType.DECISION_RECORDED],
    )
    endpoint, _secret = create_endpoint(
        session, comms, fields, now - timedelta(days=120), allow_loopback=False
    )
    return endpoint
