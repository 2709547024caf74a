"""Re-consent campaigns and the request each affected member gets, with its outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow


class CampaignStatus(StrEnum):
    """A campaign is planned, then sent, then closed by the deadline job."""

    DRAFT = "draft"
    SENT = "sent"
    #: the deadline passed and the job expired every unanswered request.
    CLOSED = "closed"


class Reason(StrEnum):
    """Why a member is asked to confirm."""

    #: the member agreed to an older privacy notice (or never to ours: imported).
    PRIVACY_NOTICE = "privacy_notice"
    #: the member's equality consent was given to older wording.
    EQUALITY_WORDING = "equality_wording"
    #: the member's equality consent is older than the campaign's period.
    EQUALITY_AGE = "equality_age"

    @property
    def label(self) -> str:
        return {
            "privacy_notice": "The privacy notice changed since they agreed to it",
            "equality_wording": "The equality monitoring consent wording changed",
            "equality_age": "Their equality monitoring consent is older than the period",
        }[self.value]


class Outcome(StrEnum):
    """Where a member's request stands."""

    ASKED = "asked"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    #: no answer by the deadline.
    EXPIRED = "expired"


class ReconsentCampaign(Base):
    """One round of asking members to confirm their consent, run by the communications team."""

    __tablename__ = "reconsent_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[CampaignStatus] = mapped_column(
        enum_type(CampaignStatus), default=CampaignStatus.DRAFT
    )
    #: equality answers not renewed by then are deleted by the deadline job.
    deadline: Mapped[datetime]
    #: the wording versions current when the campaign was planned.
    privacy_version: Mapped[str] = mapped_column(sa.String(40))
    equality_version: Mapped[str] = mapped_column(sa.String(40))
    #: equality consent older than this many days counts as due for renewal.
    max_age_days: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None]
    #: when the one reminder went to those who had not answered.
    reminded_at: Mapped[datetime | None]

    requests: Mapped[list[ReconsentRequest]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def last_day(self) -> datetime:
        """An instant on the last day members can answer (the deadline is the midnight after)."""
        return self.deadline - timedelta(seconds=1)

    def __repr__(self) -> str:
        return f"<ReconsentCampaign {self.id} {self.status}>"


class ReconsentRequest(Base):
    """One member asked to confirm: why, which versions they held, and what came of it."""

    __tablename__ = "reconsent_requests"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "member_id"),
        sa.Index("ix_reconsent_requests_campaign_outcome", "campaign_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reconsent_campaigns.id", ondelete="CASCADE")
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    #: Reason values, comma-separated.
    reasons: Mapped[str] = mapped_column(sa.String(100))
    #: the privacy notice version the member had agreed to when asked ("" if none of ours).
    privacy_version_held: Mapped[str] = mapped_column(sa.String(60), default="")
    #: the equality wording version and time of the member's consent when asked ("" if none).
    equality_version_held: Mapped[str] = mapped_column(sa.String(60), default="")
    equality_consent_at: Mapped[datetime | None]
    #: binds the emailed link: it stops working once the request is answered.
    nonce: Mapped[str] = mapped_column(sa.String(32))
    asked_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome), default=Outcome.ASKED)
    answered_at: Mapped[datetime | None]
    #: "email link", "member area", "equality page", "deadline".
    answer_method: Mapped[str] = mapped_column(sa.String(40), default="")
    #: when the member's equality answers were deleted because of this request.
    equality_deleted_at: Mapped[datetime | None]

    campaign: Mapped[ReconsentCampaign] = relationship(back_populates="requests")
    member = relationship("Member")

    @property
    def reason_list(self) -> list[Reason]:
        return [Reason(value) for value in self.reasons.split(",") if value]

    def __repr__(self) -> str:
        return f"<ReconsentRequest {self.id} {self.outcome}>"
