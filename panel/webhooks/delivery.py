"""The delivery job: send due deliveries, log each attempt, retry with exponential backoff for
about three days, and disable endpoints that say they are gone (410) or keep failing.

Nothing is held open while waiting for an answer: a delivery is claimed with a short lease and
committed, then sent, then its answer recorded and committed. A crash mid-send means the
message goes again after the lease (at least once; receivers drop repeats by webhook-id).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from flask import current_app
from sqlalchemy.orm import Session

from panel.webhooks import egress
from panel.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from panel.webhooks.services import disable_endpoint
from panel.webhooks.signing import signed_headers, signing_secrets

logger = logging.getLogger(__name__)

#: waits after the 1st, 2nd, ... failed attempt: 1, 4, 16, 64, 256 and 1,024 minutes, then a
#: day twice; nine attempts over 2 days 22 hours 45 minutes, then the delivery has failed.
RETRY_DELAYS: tuple[timedelta, ...] = tuple(
    min(timedelta(minutes=4**step), timedelta(hours=24)) for step in range(8)
)
#: an endpoint that has answered nothing but failures for this long when a delivery runs out
#: of retries is disabled, and its owner told.
FAILING_PERIOD = timedelta(days=2)
#: how long a claimed delivery is left alone (longer than one attempt can take).
LEASE = timedelta(seconds=egress.TIMEOUT_SECONDS * 4)
BATCH = 20


def loopback_allowed(config) -> bool:
    """Whether http and loopback receivers are allowed (tests only; never in production)."""
    return bool(config.get("WEBHOOK_ALLOW_LOOPBACK")) and config.get("APP_ENV") != "production"


def deliver_due_webhooks(
    session: Session, now: datetime, *, allow_loopback: bool, limit: int = BATCH
) -> int:
    """Attempt each due delivery once, oldest first; returns how many were attempted."""
    started = time.monotonic()
    session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.previous_secret_until <= now)
        .values(previous_secret_encrypted=None, previous_secret_until=None)
    )
    due = session.scalars(
        sa.select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.disabled_at.is_(None),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    session.commit()
    attempted = 0
    for delivery_id in due:
        # The moment of this attempt: the job's `now` plus the time the batch has taken, so
        # the signed timestamp stays fresh however slow the receivers before it were.
        moment = now + timedelta(seconds=time.monotonic() - started)
        claimed = session.execute(
            sa.update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                # An earlier message of this batch may have disabled the endpoint (410).
                WebhookDelivery.endpoint_id.in_(
                    sa.select(WebhookEndpoint.id).where(WebhookEndpoint.disabled_at.is_(None))
                ),
            )
            .values(next_attempt_at=moment + LEASE)
        ).rowcount
        session.commit()
        if not claimed:
            continue
        delivery = session.get(WebhookDelivery, delivery_id)
        body = delivery.payload.encode()
        try:
            secrets_in_use = signing_secrets(delivery.endpoint, moment)
        except InvalidToken:
            # SECRET_KEY changed since the secret was stored: nothing can sign until staff
            # make a new secret, so the message fails like any other and is retried.
            answer = egress.Answer(None, "the signing secret cannot be read: make a new one", 0)
        else:
            headers = signed_headers(secrets_in_use, delivery.message_id, body, moment)
            url = delivery.endpoint.url
            session.commit()  # nothing is held open while waiting for the answer
            answer = egress.post(url, body, headers, allow_loopback)
        record_answer(session, delivery, answer, moment)
        session.commit()
        attempted += 1
    return attempted


def record_answer(
    session: Session, delivery: WebhookDelivery, answer: egress.Answer, now: datetime
) -> WebhookAttempt:
    """Log the attempt and move the delivery on: delivered, retried later, or failed."""
    attempt = WebhookAttempt(
        delivery_id=delivery.id,
        attempted_at=now,
        status_code=answer.status_code,
        duration_ms=answer.duration_ms,
        error=answer.error[:200],
    )
    session.add(attempt)
    endpoint = delivery.endpoint
    code = answer.status_code
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED, now, None,
        )  # fmt: skip
        endpoint.failing_since = None
        session.flush()
        return attempt
    endpoint.failing_since = endpoint.failing_since or now
    delivery.failures += 1
    logger.info("webhook delivery %s failed (%s)", delivery.id, code or answer.error)
    if code == 410:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        if endpoint.disabled_at is None:
            reason = "It answered 410 Gone, which means the receiver no longer wants events"
            disable_endpoint(session, None, endpoint, reason, now, tell_owner=True)
    elif delivery.failures > len(RETRY_DELAYS):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        if endpoint.disabled_at is None and now - endpoint.failing_since >= FAILING_PERIOD:
            reason = "Every attempt to deliver failed for more than two days"
            disable_endpoint(session, None, endpoint, reason, now, tell_owner=True)
    else:
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.failures - 1]
    session.flush()
    return attempt


def deliver_webhooks_job(session: Session, now: datetime) -> None:
    """Scheduler job: send what is due."""
    deliver_due_webhooks(session, now, allow_loopback=loopback_allowed(current_app.config))


#: how long a finished message and its attempts stay in the delivery log.
LOG_RETENTION = timedelta(days=90)


def forget_old_deliveries(session: Session, now: datetime) -> int:
    """Delete delivered and failed messages (and their attempts) queued before LOG_RETENTION;
    waiting ones stay. Returns how many went; safe to run twice."""
    old = sa.select(WebhookDelivery.id).where(
        WebhookDelivery.status != DeliveryStatus.PENDING,
        WebhookDelivery.created_at < now - LOG_RETENTION,
    )
    session.execute(
        sa.delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(old.scalar_subquery()))
    )
    return session.execute(
        sa.delete(WebhookDelivery).where(WebhookDelivery.id.in_(old.scalar_subquery()))
    ).rowcount


def forget_old_deliveries_job(session: Session, now: datetime) -> None:
    """Scheduler job: keep the delivery log to LOG_RETENTION."""
    forget_old_deliveries(session, now)
