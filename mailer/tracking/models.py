"""Links a bulletin carries, tracked opens, clicks and unsubscribes, and the spool's progress."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, utcnow


class BulletinLink(Base):
    """One distinct link in a bulletin as sent: click redirects lead only to these."""

    __tablename__ = "bulletin_links"
    __table_args__ = (sa.UniqueConstraint("bulletin_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(sa.ForeignKey("bulletins.id", ondelete="CASCADE"))
    #: order of first appearance in the email, for the stats table.
    position: Mapped[int]
    url: Mapped[str] = mapped_column(sa.String(2000))
    #: the block the link stood in (null for the introduction, items and footer), for per-block
    #: figures; no foreign key, so the figures outlive an edited draft.
    block_id: Mapped[int | None]
    #: a survey button: ``url`` is the block's tag and each click goes to that person's own link.
    personal: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<BulletinLink {self.id} of bulletin {self.bulletin_id}>"


class HitKind(StrEnum):
    """What a tracking hit was: an open, a click or an unsubscribe."""

    OPEN = "open"
    CLICK = "click"
    UNSUBSCRIBE = "unsubscribe"


class TrackingHit(Base):
    """One pixel load, click or unsubscribe attributed to a bulletin recipient.

    No foreign keys: rows are folded in bulk from the spool and must never fail on a bulletin
    that was deleted meanwhile; they hold ids only, no address or IP."""

    __tablename__ = "tracking_hits"
    __table_args__ = (
        sa.Index("ix_tracking_hits_bulletin_kind_recipient", "bulletin_id", "kind", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int]
    recipient_id: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(12))
    link_id: Mapped[int | None]
    at: Mapped[datetime]
    #: why the request itself looked like a machine ("agent": a known image proxy or scanner,
    #: "network": a known proxy address range); empty when nothing in the request said so.
    machine_hint: Mapped[str] = mapped_column(sa.String(12), default="")

    def __repr__(self) -> str:
        return f"<TrackingHit {self.kind} {self.recipient_id}>"


class SpoolFile(Base):
    """How far each spool file has been folded into tracking_hits (moved with the rows)."""

    __tablename__ = "tracking_spool_files"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    folded_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SpoolFile {self.name} {self.folded_bytes}>"
