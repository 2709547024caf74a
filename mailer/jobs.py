"""Scheduled mail jobs: deliver queued transactional emails."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.attachments import from_stored
from mailer.backends import DeliveryError, MailMessage
from mailer.models import EmailStatus, OutboundEmail
from mailer.suppression import is_suppressed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SENT_BODY_RETENTION = timedelta(days=30)


def deliver_queued_emails(session: Session, backend, now: datetime, limit: int = 200) -> int:
    """Send queued emails oldest first, committing after each so a crash never resends one
    already handed over. Returns how many were sent."""
    config = current_app.config
    ids = session.scalars(
        sa.select(OutboundEmail.id)
        .where(OutboundEmail.status == EmailStatus.QUEUED)
        .order_by(OutboundEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for email_id in ids:
        # The conditional update is the claim: two job runs never both send the same email.
        claimed = session.execute(
            sa.update(OutboundEmail)
            .where(
                OutboundEmail.id == email_id,
                OutboundEmail.status == EmailStatus.QUEUED,
                OutboundEmail.attempts < MAX_ATTEMPTS,
            )
            .values(attempts=OutboundEmail.attempts + 1, status=EmailStatus.SENT, sent_at=now)
        ).rowcount
        session.commit()
        if not claimed:
            continue
        email = session.get(OutboundEmail, email_id)
        if is_suppressed(session, email.to_email):
            # Suppressed after it was queued (unsubscribed, left, bounced): never send it.
            email.status = EmailStatus.FAILED
            email.last_error = "suppressed"
            session.commit()
            continue
        message = MailMessage(
            to_email=email.to_email,
            subject=email.subject,
            text_body=email.text_body,
            html_body=email.html_body,
            from_email=config["MAIL_FROM"],
            from_name=config["MAIL_FROM_NAME"],
            headers=dict(email.headers or {}),
            custom_args={"outbound_email_id": str(email.id)},
            attachments=from_stored(email.attachments),
        )
        try:
            backend.send(message)
            sent += 1
        except DeliveryError as exc:
            retry = not exc.permanent and email.attempts < MAX_ATTEMPTS
            email.status = EmailStatus.QUEUED if retry else EmailStatus.FAILED
            email.sent_at = None
            email.last_error = str(exc)[:500]
            logger.warning("email %s not delivered (attempt %s): %s", email.id, email.attempts, exc)
        session.commit()
    return sent


def purge_sent_email_bodies(session: Session, now: datetime) -> int:
    """Blank the bodies of emails sent long ago: they hold personal links we no longer need."""
    result = session.execute(
        sa.update(OutboundEmail)
        .where(
            OutboundEmail.status == EmailStatus.SENT,
            OutboundEmail.sent_at < now - SENT_BODY_RETENTION,
            OutboundEmail.text_body != "",
        )
        .values(text_body="", html_body="", to_email="(removed)")
    )
    return result.rowcount


def deliver_queued_emails_job(session: Session, now: datetime) -> int:
    """The scheduler's adapter: deliver with the configured backend."""
    return deliver_queued_emails(session, current_app.extensions["mail_backend"], now)
