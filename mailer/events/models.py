"""Delivery events reported by SendGrid, each stored once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, utcnow


class EmailEvent(Base):
    """One event (delivered, open, click, bounce, ...) for one message."""

    __tablename__ = "email_events"
    __table_args__ = (sa.Index("ix_email_events_bulletin_event", "bulletin_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sg_event_id: Mapped[str] = mapped_column(sa.String(100), unique=True)
    #: sha256 of message id, event, timestamp and url: retries have been seen to change
    #: sg_event_id, so this catches the same event arriving twice under another id.
    dedupe_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    event: Mapped[str] = mapped_column(sa.String(30))
    #: sha256 of the recipient address (the address itself is not kept here).
    email_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    sg_message_id: Mapped[str] = mapped_column(sa.String(200), default="")
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    #: SendGrid's sg_machine_open flag (Apple Mail Privacy Protection and similar).
    machine_open: Mapped[bool | None]
    #: bounce type or drop reason, with any email address removed.
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    bulletin_id: Mapped[int | None]
    recipient_id: Mapped[int | None] = mapped_column(index=True)
    outbound_email_id: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<EmailEvent {self.id} {self.event}>"
