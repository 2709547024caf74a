"""Queued transactional emails (confirmations, magic links, invitations, resets)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, enum_type, utcnow


class EmailStatus(StrEnum):
    """Where one queued email stands."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboundEmail(Base):
    """One email written in the caller's transaction and delivered later by a job."""

    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the caller's key (e.g. "confirm:member:42:3"); a second queue call with it is ignored.
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: the template name, e.g. "confirm_signup": says what kind of email it is without the body.
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    to_email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    #: extra headers as JSON, e.g. List-Unsubscribe.
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: files sent with it (mailer.attachments.to_stored): an event's calendar entry.
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[EmailStatus] = mapped_column(
        enum_type(EmailStatus, length=10),
        default=EmailStatus.QUEUED,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: the panel member it went to, for their contact history and data export.
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<OutboundEmail {self.id} {self.kind} {self.status}>"


class SuppressionReason(StrEnum):
    """Why an address is never emailed again."""

    UNSUBSCRIBED = "unsubscribed"
    LEFT = "left"
    BOUNCED = "bounced"
    COMPLAINED = "complained"


class EmailSuppression(Base):
    """An address we must never email again, kept only as a hash (it outlives erasure)."""

    __tablename__ = "email_suppressions"

    #: sha256 of the lower-cased address.
    email_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    reason: Mapped[SuppressionReason] = mapped_column(enum_type(SuppressionReason))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<EmailSuppression {self.reason}>"
