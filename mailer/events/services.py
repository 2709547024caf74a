"""Verifying and ingesting SendGrid Event Webhook posts: one post, one transaction."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.backends import verify_sendgrid_signature
from mailer.events.models import EmailEvent
from mailer.models import SuppressionReason
from mailer.suppression import email_hash, suppress
from mailer.transport import notify_opt_out, notify_unreachable

KNOWN_EVENTS = {
    "processed",
    "delivered",
    "deferred",
    "open",
    "click",
    "bounce",
    "dropped",
    "spamreport",
    "unsubscribe",
    "group_unsubscribe",
    "group_resubscribe",
}
MAX_AGE_SECONDS = 300
MAX_EVENTS_PER_POST = 10_000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class WebhookRejected(Exception):
    """The post is not from SendGrid, too old, or malformed; nothing was changed."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.status = status


def verify_post(
    public_key: str, body: bytes, signature: str | None, timestamp: str | None, now: datetime
) -> None:
    """Raise WebhookRejected unless the signature is valid and the timestamp is fresh."""
    if not public_key:
        # Nothing can be verified, so nothing is accepted; SendGrid retries any non-2xx answer
        # for a day, so events posted before the key is set are not lost.
        raise WebhookRejected("no webhook public key is configured")
    if not signature or not timestamp or not timestamp.isdigit():
        raise WebhookRejected("missing signature headers")
    age = now.timestamp() - int(timestamp)
    if age > MAX_AGE_SECONDS or age < -MAX_AGE_SECONDS:
        raise WebhookRejected("stale timestamp")
    if not verify_sendgrid_signature(public_key, body, signature, timestamp):
        raise WebhookRejected("bad signature")


#: Other packages react to events (bulletin ledgers, open and click tracking) by adding a
#: function here; each is called with the new, deduplicated EmailEvent rows of one post.
EVENT_HANDLERS: list[Callable[[Session, list[EmailEvent], datetime], None]] = []


def event_handler(function):
    """Register a function to be called with each stored provider event (a decorator)."""
    EVENT_HANDLERS.append(function)
    return function


@dataclass
class IngestResult:
    """How many events a webhook post stored, found already stored, and suppressed."""

    stored: int
    duplicates: int
    suppressed: int


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse(raw: dict) -> dict:
    if not isinstance(raw, dict) or raw.get("event") not in KNOWN_EVENTS:
        raise WebhookRejected("an item is not a known SendGrid event", status=400)
    try:
        occurred = datetime.fromtimestamp(int(raw["timestamp"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as error:
        raise WebhookRejected("an event has no valid timestamp", status=400) from error
    address = str(raw.get("email") or "")
    message_id = str(raw.get("sg_message_id") or "")[:200]
    url = str(raw["url"])[:2000] if raw.get("url") else None
    key = hashlib.sha256(
        "|".join(
            [message_id, raw["event"], str(raw["timestamp"]), url or "", email_hash(address)]
        ).encode()
    ).hexdigest()
    reason = _EMAIL.sub("[email]", str(raw.get("reason") or raw.get("type") or ""))[:500]
    return {
        "sg_event_id": str(raw.get("sg_event_id") or key)[:100],
        "dedupe_key": key,
        "event": raw["event"],
        "email": address,
        "email_hash": email_hash(address),
        "sg_message_id": message_id,
        "occurred_at": occurred,
        "url": url,
        "machine_open": raw.get("sg_machine_open") if raw["event"] == "open" else None,
        "reason": reason,
        "bounce_type": str(raw.get("type") or ""),
        "bulletin_id": _int_or_none(raw.get("bulletin_id")),
        "recipient_id": _int_or_none(raw.get("recipient_id")),
        "outbound_email_id": _int_or_none(raw.get("outbound_email_id")),
    }


def ingest_events(session: Session, payload, now: datetime) -> IngestResult:
    """Store new events once each and apply their effects; the caller commits once.

    Raises WebhookRejected (400) for a malformed post, before anything is written."""
    if not isinstance(payload, list) or len(payload) > MAX_EVENTS_PER_POST:
        raise WebhookRejected("the body must be a JSON array of events", status=400)
    parsed = [_parse(raw) for raw in payload]
    seen_ids = set(
        session.scalars(
            sa.select(EmailEvent.sg_event_id).where(
                EmailEvent.sg_event_id.in_([p["sg_event_id"] for p in parsed])
            )
        )
    )
    seen_keys = set(
        session.scalars(
            sa.select(EmailEvent.dedupe_key).where(
                EmailEvent.dedupe_key.in_([p["dedupe_key"] for p in parsed])
            )
        )
    )
    new_rows, duplicates, suppressed = [], 0, 0
    for item in parsed:
        if item["sg_event_id"] in seen_ids or item["dedupe_key"] in seen_keys:
            duplicates += 1
            continue
        seen_ids.add(item["sg_event_id"])
        seen_keys.add(item["dedupe_key"])
        suppressed += _apply_effects(session, item, now)
        row = EmailEvent(
            received_at=now, **{k: v for k, v in item.items() if k not in ("email", "bounce_type")}
        )
        session.add(row)
        new_rows.append(row)
    session.flush()
    for handler in EVENT_HANDLERS:
        handler(session, new_rows, now)
    return IngestResult(len(new_rows), duplicates, suppressed)


def _apply_effects(session: Session, item: dict, now: datetime) -> int:
    """Hard bounces, spam reports and unsubscribes suppress the address at once (monotonic:
    nothing here ever lifts a suppression). Deferrals change nothing: they are retried."""
    event, address = item["event"], item["email"]
    if not address:
        return 0
    reason = None
    hard_bounce = event == "bounce" and item["bounce_type"] != "blocked"
    if hard_bounce or (event == "dropped" and "bounce" in item["reason"].lower()):
        reason = SuppressionReason.BOUNCED
    elif event == "spamreport" or (event == "dropped" and "spam" in item["reason"].lower()):
        reason = SuppressionReason.COMPLAINED
    elif event in ("unsubscribe", "group_unsubscribe"):
        reason = SuppressionReason.UNSUBSCRIBED
    if reason is None:
        return 0
    suppress(session, address, reason, now)
    if reason in (SuppressionReason.BOUNCED, SuppressionReason.COMPLAINED):
        notify_unreachable(session, address, reason, now)
    if reason in (SuppressionReason.COMPLAINED, SuppressionReason.UNSUBSCRIBED):
        notify_opt_out(session, address, now)
    return 1
