"""The one entry point for every email: render now, store in the caller's transaction, send
later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.attachments import Attachment, to_stored
from mailer.models import OutboundEmail
from mailer.rendering import render_email
from mailer.suppression import is_suppressed


def one_click_unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 8058 headers: mailbox providers show an unsubscribe button that POSTs to the URL."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_email(
    session: Session,
    *,
    to_email: str,
    template: str,
    context: dict,
    idempotency_key: str,
    now: datetime,
    unsubscribe_url: str | None = None,
    member_id: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboundEmail | None:
    """Render ``template`` and queue it for ``to_email`` unless this key was queued before or
    the address is suppressed.

    Returns the queued row, or None when nothing was queued. The caller commits.
    """
    if is_suppressed(session, to_email):
        return None
    existing = session.scalar(
        sa.select(OutboundEmail.id).where(OutboundEmail.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return None
    rendered = render_email(template, {**context, "unsubscribe_url": unsubscribe_url})
    headers = one_click_unsubscribe_headers(unsubscribe_url) if unsubscribe_url else {}
    email = OutboundEmail(
        idempotency_key=idempotency_key,
        kind=template,
        to_email=to_email,
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        headers=headers,
        attachments=to_stored(attachments),
        created_at=now,
        member_id=member_id,
    )
    session.add(email)
    session.flush()
    return email
