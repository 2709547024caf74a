"""Events become deliveries in the transaction that made them: one thin message per subscribed
endpoint (ids, the event type and links to the API and the public pages, never the data
itself, which stays behind the audited API)."""

from __future__ import annotations

import json
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.domain_events import DomainEvent, EventType
from panel.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

#: the largest body the outbox will hold; the messages are a few hundred bytes.
MAX_PAYLOAD_BYTES = 20 * 1024

#: (API path, public page path) for each event type, "{id}" standing for the subject's id.
_LINKS: dict[EventType, tuple[str | None, str | None]] = {
    EventType.SURVEY_PUBLISHED: ("/api/v1/engagement", "/engagement/"),
    EventType.SURVEY_CLOSED: ("/api/v1/engagement", "/engagement/"),
    EventType.RESULTS_PUBLISHED: ("/api/v1/surveys/{id}/results", "/engagement/{id}"),
    EventType.DECISION_RECORDED: ("/api/v1/decisions/{id}", "/decisions/{id}"),
    # Insight reports have no public page or API resource yet (partner accounts will add one).
    EventType.INSIGHT_REPORT_RECEIVED: (None, None),
}


def new_message_id() -> str:
    """A webhook-id: "msg_" and 26 random characters."""
    return "msg_" + secrets.token_urlsafe(20)[:26]


def payload_for(event: DomainEvent) -> str:
    """The JSON body for ``event`` (type, timestamp, data with ids and links)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    api, page = _LINKS[event.type]
    links = {}
    if api:
        links["api"] = base + api.format(id=event.subject_id)
    if page:
        links["page"] = base + page.format(id=event.subject_id)
    body = json.dumps(
        {
            "type": event.type.value,
            "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
            "data": {"id": event.subject_id, "place_id": event.place_id, "links": links},
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    if len(body.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError("a webhook payload must stay under 20 KB")
    return body


def subscribed_endpoints(session: Session, event: DomainEvent) -> list[WebhookEndpoint]:
    """Enabled endpoints that asked for this type of event and cover its place."""
    query = sa.select(WebhookEndpoint).where(
        WebhookEndpoint.disabled_at.is_(None),
        WebhookEndpoint.event_types.contains(event.type.value),
    )
    if event.place_id is not None:
        query = query.where(
            sa.or_(WebhookEndpoint.place_id.is_(None), WebhookEndpoint.place_id == event.place_id)
        )
    return [
        endpoint
        for endpoint in session.scalars(query.order_by(WebhookEndpoint.id))
        if event.type in endpoint.event_set
    ]


def record_webhook_deliveries(session: Session, event: DomainEvent) -> list[WebhookDelivery]:
    """Queue the event for every subscribed endpoint (a domain event listener: adds and
    flushes; the emitter's caller commits)."""
    endpoints = subscribed_endpoints(session, event)
    if not endpoints:
        return []
    body = payload_for(event)
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            message_id=new_message_id(),
            event_type=event.type.value,
            subject_id=event.subject_id,
            payload=body,
            status=DeliveryStatus.PENDING,
            next_attempt_at=event.occurred_at,
            created_at=event.occurred_at,
        )
        for endpoint in endpoints
    ]
    session.add_all(deliveries)
    session.flush()
    return deliveries
