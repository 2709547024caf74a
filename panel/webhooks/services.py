"""Managing webhook endpoints: add one (its secret shown once), rotate its secret, disable,
enable, redeliver, and read them and their delivery log.

Each function that reads takes an optional ``organisation``: the communications team passes
None (every organisation); a partner's own pages pass theirs, and get None for an endpoint or
delivery of another organisation, exactly as for one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.audit.services import record_audit
from panel.field_errors import FieldError
from panel.input_cleaning import single_line
from panel.places.models import Place
from panel.webhooks import egress
from panel.webhooks.models import (
    EVENT_VALUES,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from panel.webhooks.signing import encrypt_secret, new_secret

#: how long the old secret keeps signing beside the new one after a rotation.
ROTATION_OVERLAP = timedelta(hours=24)
LOG_LENGTH = 50


class WebhookError(FieldError):
    """The endpoint cannot be saved or changed; the message says why."""


@dataclass(frozen=True)
class EndpointFields:
    """What the form gives for a new endpoint."""

    organisation: str
    name: str
    url: str
    contact_email: str
    event_types: list[str] = field(default_factory=list)
    place_id: int | None = None


def _checked(session: Session, fields: EndpointFields, allow_loopback: bool) -> dict:
    # Cleaned here too: a partner's own pages or an API may call this without a PanelForm.
    organisation = single_line(fields.organisation or "").strip()
    name = single_line(fields.name or "").strip()
    if not organisation:
        raise WebhookError("Enter the partner organisation", "organisation")
    if len(organisation) > 120:
        raise WebhookError("Keep the organisation's name under 120 characters", "organisation")
    if not name:
        raise WebhookError("Enter what the endpoint is for", "name")
    if len(name) > 120:
        raise WebhookError("Keep what the endpoint is for under 120 characters", "name")
    url = (fields.url or "").strip()
    if len(url) > 500:
        raise WebhookError("Keep the address under 500 characters", "url")
    try:
        egress.check_url(url, allow_loopback)
    except egress.EgressRefused as refusal:
        raise WebhookError(str(refusal), "url") from None
    try:
        contact = validate_email(
            (fields.contact_email or "").strip(), check_deliverability=False
        ).normalized
    except EmailNotValidError:
        contact = ""
    if not contact or len(contact) > 254:
        raise WebhookError("Enter an email address like name@example.org", "contact_email")
    chosen = sorted({value for value in fields.event_types if value in EVENT_VALUES})
    if not chosen:
        raise WebhookError("Choose at least one event to send", "event_types")
    if fields.place_id is not None and session.get(Place, fields.place_id) is None:
        raise WebhookError("Choose a place from the list", "place_id")
    return {
        "organisation": organisation,
        "name": name,
        "url": url,
        "contact_email": contact,
        "event_types": " ".join(chosen),
        "place_id": fields.place_id,
    }


def create_endpoint(
    session: Session, actor, fields: EndpointFields, now: datetime, *, allow_loopback: bool
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint; returns it and its signing secret (show it once). Raises WebhookError
    before adding anything."""
    values = _checked(session, fields, allow_loopback)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        **values,
        secret_encrypted=encrypt_secret(secret),
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(endpoint)
    session.flush()
    _audit(session, actor, "webhook.create", endpoint, now)
    return endpoint, secret


def create_partner_endpoint(
    session: Session,
    partner,
    fields: EndpointFields,
    now: datetime,
    *,
    allow_loopback: bool,
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint for the partner account's own organisation (whatever ``fields`` says),
    for its place or every place when the organisation works in one place. Raises WebhookError
    as create_endpoint does, or for another place."""
    organisation = partner.partner_organisation
    if organisation is None:
        raise WebhookError("Only a partner organisation's account can add its endpoints")
    if organisation.place_id is not None and fields.place_id not in (None, organisation.place_id):
        raise WebhookError("Choose your organisation's place or every place", "place_id")
    own = replace(fields, organisation=organisation.name)
    return create_endpoint(session, partner, own, now, allow_loopback=allow_loopback)


def rotate_secret(session: Session, actor, endpoint: WebhookEndpoint, now: datetime) -> str:
    """Give the endpoint a new secret (returned: show it once); the current one keeps signing
    beside it for ROTATION_OVERLAP, so the receiver can change over without missing a message."""
    secret = new_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = now + ROTATION_OVERLAP
    endpoint.secret_encrypted = encrypt_secret(secret)
    endpoint.rotated_at = now
    _audit(session, actor, "webhook.rotate", endpoint, now)
    session.flush()
    return secret


def disable_endpoint(
    session: Session,
    actor,
    endpoint: WebhookEndpoint,
    reason: str,
    now: datetime,
    *,
    tell_owner: bool = False,
) -> None:
    """Stop sending to the endpoint (its waiting deliveries wait until it is enabled again);
    ``tell_owner`` emails its contact address. Raises WebhookError if already disabled."""
    if endpoint.disabled_at is not None:
        raise WebhookError("The endpoint is already disabled")
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason[:200]
    _audit(session, actor, "webhook.disable", endpoint, now, reason)
    if tell_owner:
        queue_email(
            session,
            to_email=endpoint.contact_email,
            template="webhook_disabled",
            context={
                "organisation": endpoint.organisation,
                "name": endpoint.name,
                "url": endpoint.url,
                "reason": endpoint.disabled_reason,
            },
            idempotency_key=f"webhook-disabled:{endpoint.id}:{int(now.timestamp())}",
            now=now,
        )
    session.flush()


def enable_endpoint(session: Session, actor, endpoint: WebhookEndpoint, now: datetime) -> int:
    """Start sending again; deliveries that waited are due now. Returns how many waited.
    Raises WebhookError if it is enabled."""
    if endpoint.disabled_at is None:
        raise WebhookError("The endpoint is already enabled")
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.failing_since = None
    waiting = session.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(next_attempt_at=now)
    ).rowcount
    _audit(session, actor, "webhook.enable", endpoint, now)
    session.flush()
    return waiting


def redeliver(session: Session, actor, delivery: WebhookDelivery, now: datetime) -> None:
    """Send the message again, with the same webhook-id, on the job's next turn and with a
    fresh set of retries. Raises WebhookError while the endpoint is disabled."""
    if delivery.endpoint.disabled_at is not None:
        raise WebhookError("Enable the endpoint before redelivering to it")
    delivery.status = DeliveryStatus.PENDING
    delivery.failures = 0
    delivery.next_attempt_at = now
    record_audit(
        session, actor, "webhook.redeliver", "webhook_delivery", [delivery.id],
        delivery.message_id, now=now,
    )  # fmt: skip
    session.flush()


def _audit(session, actor, action, endpoint: WebhookEndpoint, now, detail: str = "") -> None:
    detail = f"{endpoint.organisation}: {detail}" if detail else endpoint.organisation
    record_audit(session, actor, action, "webhook_endpoint", [endpoint.id], detail, now=now)


def all_endpoints(session: Session, organisation: str | None = None) -> list[WebhookEndpoint]:
    """Every endpoint (of one organisation when given), by organisation then newest first."""
    query = sa.select(WebhookEndpoint).order_by(
        WebhookEndpoint.organisation, WebhookEndpoint.id.desc()
    )
    if organisation is not None:
        query = query.where(WebhookEndpoint.organisation == organisation)
    return list(session.scalars(query))


def find_endpoint(
    session: Session, endpoint_id: int, organisation: str | None = None
) -> WebhookEndpoint | None:
    """The endpoint, or None when there is none (or it belongs to another organisation)."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or organisation not in (None, endpoint.organisation):
        return None
    return endpoint


def find_delivery(
    session: Session, endpoint: WebhookEndpoint, delivery_id: int
) -> WebhookDelivery | None:
    """One of the endpoint's deliveries, or None."""
    delivery = session.get(WebhookDelivery, delivery_id)
    return delivery if delivery is not None and delivery.endpoint_id == endpoint.id else None


def recent_deliveries(session: Session, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first."""
    return list(
        session.scalars(
            sa.select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(LOG_LENGTH)
        )
    )


def delivery_log(
    session: Session, endpoint: WebhookEndpoint
) -> list[tuple[WebhookAttempt, WebhookDelivery]]:
    """The endpoint's latest attempts (time, response code, duration), newest first."""
    rows = session.execute(
        sa.select(WebhookAttempt, WebhookDelivery)
        .join(WebhookDelivery, WebhookAttempt.delivery_id == WebhookDelivery.id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookAttempt.id.desc())
        .limit(LOG_LENGTH)
    )
    return [(attempt, delivery) for attempt, delivery in rows]
