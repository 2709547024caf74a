"""Bulletins, their ordered items, the per-recipient ledger and the batches that sent it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mailer.bulletins import sql  # noqa: F401  (SQLite's sha256 function for the ledger query)
from mailer.bulletins.block_models import BulletinBlock
from panel.database import Base, enum_type, utcnow

# IllegalTransition is re-exported: the services and views that move a record catch it from here.
from panel.state_machine import IllegalTransition as IllegalTransition
from panel.state_machine import StateMachine


class BulletinStatus(StrEnum):
    """Where a bulletin is in its life; BULLETIN_STATES says which moves are allowed."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    SENT = "sent"
    CANCELLED = "cancelled"


#: the only moves a bulletin may make; everything else raises IllegalTransition.
BULLETIN_STATES = StateMachine(
    {
        BulletinStatus.DRAFT: {BulletinStatus.SCHEDULED, BulletinStatus.CANCELLED},
        BulletinStatus.SCHEDULED: {
            BulletinStatus.DRAFT,
            BulletinStatus.SCHEDULED,
            BulletinStatus.SENDING,
            BulletinStatus.CANCELLED,
        },
        BulletinStatus.SENDING: {
            BulletinStatus.PAUSED,
            BulletinStatus.SENT,
            BulletinStatus.CANCELLED,
        },
        BulletinStatus.PAUSED: {BulletinStatus.SCHEDULED, BulletinStatus.CANCELLED},
        # A finished send goes back to scheduled only for an explicit "resend these N".
        BulletinStatus.SENT: {BulletinStatus.SCHEDULED},
        BulletinStatus.CANCELLED: set(),
    },
    lambda current, new: f"A {current.value} bulletin cannot become {new}",
)


class AudienceKind(StrEnum):
    """Who a bulletin goes to: the whole panel or one segment."""

    PANEL = "panel"
    SEGMENT = "segment"


class Bulletin(Base):
    """One edition of the bulletin, from draft to sent."""

    __tablename__ = "bulletins"
    __table_args__ = (sa.Index("ix_bulletins_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    #: Markdown, sanitised to HTML when rendered.
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[BulletinStatus] = mapped_column(
        enum_type(BulletinStatus), default=BulletinStatus.DRAFT
    )
    #: the place team that owns it; null for the whole ICB (communications team only).
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    audience: Mapped[AudienceKind] = mapped_column(
        enum_type(AudienceKind), default=AudienceKind.PANEL
    )
    segment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("segments.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    #: whose places bound the audience when the scheduler sends it (it has no signed-in user).
    scheduled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the instant to send (UTC); the page shows it in Europe/London.
    send_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: seconds between send_at and the claim, when the scheduler was down or busy.
    late_seconds: Mapped[int] = mapped_column(default=0)
    #: the sending process's lease: a send whose heartbeat is stale crashed and may be taken over.
    heartbeat_at: Mapped[datetime | None]
    worker: Mapped[str] = mapped_column(sa.String(80), default="")
    #: audience size before exclusions, the exclusions by reason, and the fixed recipient count.
    audience_count: Mapped[int] = mapped_column(default=0)
    exclusions: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    recipient_count: Mapped[int] = mapped_column(default=0)
    #: the email frozen at send start (subject, text, inlined HTML with substitution tags), so
    #: every batch, a resume and "resend these N" send exactly the same content.
    frozen_subject: Mapped[str] = mapped_column(sa.String(300), default="")
    frozen_text: Mapped[str] = mapped_column(sa.Text, default="")
    frozen_html: Mapped[str] = mapped_column(sa.Text, default="")

    items: Mapped[list[BulletinItem]] = relationship(
        back_populates="bulletin", order_by="BulletinItem.position"
    )
    blocks: Mapped[list[BulletinBlock]] = relationship(
        order_by=BulletinBlock.position, cascade="all, delete-orphan"
    )
    place = relationship("Place")
    segment = relationship("Segment")
    scheduled_by = relationship("StaffUser", foreign_keys=[scheduled_by_id])

    @property
    def is_editable(self) -> bool:
        return self.status in (BulletinStatus.DRAFT, BulletinStatus.SCHEDULED)

    def move_to(self, new_status: BulletinStatus) -> None:
        """Change status; raises IllegalTransition for a move BULLETIN_STATES does not allow."""
        BULLETIN_STATES.move_to(self, new_status)

    def __repr__(self) -> str:
        return f"<Bulletin {self.id} {self.status}>"


class ItemKind(StrEnum):
    """What a bulletin item is: news, a survey invitation, a result and so on."""

    NEWS = "news"
    SURVEY = "survey"
    RESULT = "result"
    EVENT = "event"
    OPPORTUNITY = "opportunity"

    @property
    def label(self) -> str:
        return {
            "news": "News",
            "survey": "Survey invitation",
            "result": "You said, we did",
            "event": "Event",
            "opportunity": "Opportunity to get involved",
        }[self.value]


class ContributionStatus(StrEnum):
    """Where an item contributed by a place team stands with the communications team."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PLACED = "placed"


class BulletinItem(Base):
    """A story in a bulletin, or a contributed item waiting for the communications team."""

    __tablename__ = "bulletin_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: null while a contribution waits to be placed in a bulletin.
    bulletin_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bulletins.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind), default=ItemKind.NEWS)
    title: Mapped[str] = mapped_column(sa.String(150))
    #: Markdown, sanitised to HTML when rendered.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link_url: Mapped[str] = mapped_column(sa.String(500), default="")
    link_text: Mapped[str] = mapped_column(sa.String(120), default="")
    #: survey invitations: the survey, and a link pattern whose {token} becomes a personal token.
    survey_id: Mapped[int | None]
    #: null for items the communications team wrote straight into a bulletin.
    contribution_status: Mapped[ContributionStatus | None] = mapped_column(
        enum_type(ContributionStatus), index=True
    )
    contributed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bulletin: Mapped[Bulletin | None] = relationship(back_populates="items")
    contributed_by = relationship("StaffUser")

    def __repr__(self) -> str:
        return f"<BulletinItem {self.id} {self.kind}>"


class RecipientState(StrEnum):
    """Where one recipient's copy of a bulletin stands in the send."""

    PENDING = "pending"
    #: in a batch handed to the provider; still "sending" after a crash means "unknown".
    SENDING = "sending"
    ACCEPTED = "accepted"
    FAILED = "failed"
    #: the provider may or may not have taken it: never resent without a person deciding.
    UNKNOWN = "unknown"
    #: became unsubscribed, suppressed or left between the list being fixed and their batch.
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class BulletinRecipient(Base):
    """The ledger: one row per person a bulletin goes to, fixed when the send starts."""

    __tablename__ = "bulletin_recipients"
    __table_args__ = (
        sa.UniqueConstraint("bulletin_id", "member_id"),
        sa.Index("ix_bulletin_recipients_bulletin_state", "bulletin_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(sa.ForeignKey("bulletins.id", ondelete="CASCADE"))
    #: null once the member has been erased (the row stays as an anonymous count).
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[RecipientState] = mapped_column(
        enum_type(RecipientState), default=RecipientState.PENDING
    )
    batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bulletin_batches.id", ondelete="SET NULL"), index=True
    )
    #: the member's tracking consent when the list was fixed: no consent, no pixel, plain links.
    tracking_consent: Mapped[bool] = mapped_column(default=False)
    #: the member's place when the list was fixed, so breakdowns survive moves and erasure.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<BulletinRecipient {self.id} {self.state}>"


class BatchState(StrEnum):
    """What the provider said about one batch of a bulletin's recipients."""

    SENDING = "sending"
    ACCEPTED = "accepted"
    FAILED = "failed"
    UNKNOWN = "unknown"


class BulletinBatch(Base):
    """One Mail Send request of up to 1,000 recipients."""

    __tablename__ = "bulletin_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bulletins.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[BatchState] = mapped_column(enum_type(BatchState), default=BatchState.SENDING)
    size: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: SendGrid's X-Message-Id for the request (events carry it as the sg_message_id prefix).
    message_id: Mapped[str] = mapped_column(sa.String(100), default="")
    #: the provider's own words when it refused the batch.
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    attempts: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<BulletinBatch {self.id} {self.state} {self.size}>"
