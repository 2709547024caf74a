"""The suppression list: addresses that must never be emailed again, by any path."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.models import EmailSuppression, SuppressionReason


def email_hash(email: str) -> str:
    """The sha256 of the trimmed, lower-cased address: how suppressed addresses are stored."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def is_suppressed(session: Session, email: str) -> bool:
    """Whether the address is on the suppression list."""
    return session.get(EmailSuppression, email_hash(email)) is not None


def suppress(session: Session, email: str, reason: SuppressionReason, now: datetime) -> None:
    """Add the address (idempotent; a stronger reason such as a bounce is kept)."""
    key = email_hash(email)
    if session.get(EmailSuppression, key) is None:
        session.add(EmailSuppression(email_hash=key, reason=reason, created_at=now))
        session.flush()


def lift_suppression(session: Session, email: str, reasons: set[SuppressionReason]) -> bool:
    """Remove a suppression the person themselves can undo (resubscribing, joining again).
    Bounces and complaints are never lifted this way. Returns True when one was removed."""
    result = session.execute(
        sa.delete(EmailSuppression).where(
            EmailSuppression.email_hash == email_hash(email),
            EmailSuppression.reason.in_([r.value for r in reasons]),
        )
    )
    return bool(result.rowcount)
