"""The mail transport's public face: the one module panel and surveys import from mailer.

Queueing, the suppression list, a member's emails (for their history, data export and
erasure) and the hook for opt-outs reported by the mail provider all go through here, so the
queue, its models and the suppression table can change without touching a caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.attachments import Attachment
from mailer.models import EmailStatus, EmailSuppression, OutboundEmail, SuppressionReason
from mailer.queue import one_click_unsubscribe_headers, queue_email
from mailer.rendering import RenderedEmail, render_email
from mailer.suppression import email_hash, is_suppressed, lift_suppression, suppress

__all__ = [
    "OPT_OUT_LISTENERS",
    "Attachment",
    "EmailStatus",
    "RenderedEmail",
    "MemberEmail",
    "SuppressionReason",
    "emails_for_member",
    "forget_member_emails",
    "is_suppressed",
    "lift_suppression",
    "notify_opt_out",
    "notify_unreachable",
    "UNREACHABLE_LISTENERS",
    "preview_email",
    "queue_depth",
    "sent_count",
    "one_click_unsubscribe_headers",
    "queue_email",
    "suppress",
    "unsuppressed",
]

#: Called as f(session, address, now) when the mail provider reports that the person at
#: ``address`` unsubscribed or complained; the panel registers one that records it on the
#: member, so the transport never needs to know what a member is.
OPT_OUT_LISTENERS: list[Callable[[Session, str, datetime], None]] = []


def notify_opt_out(session: Session, address: str, now: datetime) -> None:
    """Tell every registered listener that ``address`` opted out at the provider."""
    for listener in OPT_OUT_LISTENERS:
        listener(session, address, now)


#: ``address`` bounced or complained (the reason, a SuppressionReason); the panel registers one
#: that marks the member unreachable, so they are asked to update their details.
UNREACHABLE_LISTENERS: list[Callable[[Session, str, SuppressionReason, datetime], None]] = []


def notify_unreachable(
    session: Session, address: str, reason: SuppressionReason, now: datetime
) -> None:
    """Tell every registered listener that the provider can no longer deliver to ``address``."""
    for listener in UNREACHABLE_LISTENERS:
        listener(session, address, reason, now)


@dataclass(frozen=True)
class MemberEmail:
    """What a member's contact history and data export show of one email sent to them."""

    subject: str
    kind: str
    status: EmailStatus
    created_at: datetime
    sent_at: datetime | None


def emails_for_member(
    session: Session, member_id: int, *, newest_first: bool = False, limit: int | None = None
) -> list[MemberEmail]:
    """The emails queued for one member, oldest first unless ``newest_first``."""
    order = OutboundEmail.id.desc() if newest_first else OutboundEmail.id
    query = sa.select(OutboundEmail).where(OutboundEmail.member_id == member_id).order_by(order)
    if limit is not None:
        query = query.limit(limit)
    return [
        MemberEmail(
            subject=email.subject,
            kind=email.kind,
            status=email.status,
            created_at=email.created_at,
            sent_at=email.sent_at,
        )
        for email in session.scalars(query)
    ]


def forget_member_emails(session: Session, member_ids: Iterable[int]) -> None:
    """Unlink the members' emails and blank their address and bodies (erasure and purging)."""
    ids = list(member_ids)
    if not ids:
        return
    session.execute(
        sa.update(OutboundEmail)
        .where(OutboundEmail.member_id.in_(ids))
        .values(member_id=None, to_email="(removed)", text_body="", html_body="")
    )


def queue_depth(session: Session) -> tuple[int, datetime | None]:
    """How many emails wait to be sent, and when the oldest of them was queued (for health
    checks and metrics: figures only)."""
    count, oldest = session.execute(
        sa.select(sa.func.count(OutboundEmail.id), sa.func.min(OutboundEmail.created_at)).where(
            OutboundEmail.status == EmailStatus.QUEUED
        )
    ).one()
    return count, oldest


def sent_count(session: Session) -> int:
    """How many queued emails the provider has accepted, ever (a counter for metrics)."""
    return session.scalar(
        sa.select(sa.func.count(OutboundEmail.id)).where(OutboundEmail.status == EmailStatus.SENT)
    )


def preview_email(template: str, context: dict, unsubscribe_url: str | None) -> RenderedEmail:
    """The email exactly as queue_email would render it for this context (nothing queued)."""
    return render_email(template, {**context, "unsubscribe_url": unsubscribe_url})


def unsuppressed(session: Session, addresses: Iterable[str]) -> set[str]:
    """The addresses that are not on the suppression list (looked up in chunks)."""
    by_hash = {email_hash(address): address for address in addresses}
    hashes = list(by_hash)
    blocked = set()
    for start in range(0, len(hashes), 500):
        blocked.update(
            session.scalars(
                sa.select(EmailSuppression.email_hash).where(
                    EmailSuppression.email_hash.in_(hashes[start : start + 500])
                )
            )
        )
    return {address for key, address in by_hash.items() if key not in blocked}
