"""A partner organisation's webhook endpoint, the deliveries queued for it, and each attempt."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow
from panel.domain_events import EventType

EVENT_LABELS = {
    EventType.SURVEY_PUBLISHED: "A survey is published (goes live)",
    EventType.SURVEY_CLOSED: "A survey closes",
    EventType.RESULTS_PUBLISHED: "A survey's results are published",
    EventType.DECISION_RECORDED: "A decision is put on the public register",
    EventType.INSIGHT_REPORT_RECEIVED: "A partner's insight report is received",
}

#: the event types' names, for checking stored and submitted values.
EVENT_VALUES = frozenset(kind.value for kind in EventType)


class DeliveryStatus(StrEnum):
    """Where a delivery stands: waiting for its next attempt, answered with 2xx, or given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEndpoint(Base):
    """An address of a partner organisation that is sent the events it subscribed to."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the partner organisation, named as on its API keys (panel.api_keys).
    organisation: Mapped[str] = mapped_column(sa.String(120), index=True)
    #: what the endpoint is for, in the organisation's words.
    name: Mapped[str] = mapped_column(sa.String(120))
    #: https address the events are posted to (checked when saved and again at every send).
    url: Mapped[str] = mapped_column(sa.String(500))
    #: the EventType values subscribed to, space separated.
    event_types: Mapped[str] = mapped_column(sa.String(300))
    #: null: events of every place; else only that place's and ICB-wide ones.
    place_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("places.id", ondelete="RESTRICT"), index=True
    )
    #: where the organisation is told that the endpoint was disabled.
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    #: the signing secret ("whsec_..."), encrypted with a key derived from SECRET_KEY.
    secret_encrypted: Mapped[str] = mapped_column(sa.Text)
    #: the secret before the last rotation, still signing beside the new one until
    #: previous_secret_until, so receivers can change over without missing a message.
    previous_secret_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    previous_secret_until: Mapped[datetime | None] = mapped_column()
    rotated_at: Mapped[datetime | None] = mapped_column()
    #: set while disabled (by staff, by an answer of 410, or after repeated failure).
    disabled_at: Mapped[datetime | None] = mapped_column()
    disabled_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: the first failed attempt since the last success; None while it is answering.
    failing_since: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    place = relationship("Place")

    @property
    def event_set(self) -> frozenset[EventType]:
        """The event types subscribed to."""
        return frozenset(EventType(v) for v in self.event_types.split() if v in EVENT_VALUES)

    @property
    def is_enabled(self) -> bool:
        return self.disabled_at is None

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.organisation!r}>"


class WebhookDelivery(Base):
    """One event's message to one endpoint: the outbox row the delivery job sends."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    #: the webhook-id header: the same on every attempt, so receivers can drop repeats.
    message_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(40))
    #: the id of the survey, decision or insight the event is about.
    subject_id: Mapped[int]
    #: the JSON body exactly as signed and sent.
    payload: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_type(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    #: failed attempts since it was queued or last redelivered (the backoff step).
    failures: Mapped[int] = mapped_column(default=0)
    #: when the job may next try it (also a lease while an attempt is under way).
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()

    endpoint = relationship("WebhookEndpoint")
    attempts = relationship(
        "WebhookAttempt", order_by="WebhookAttempt.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event_type} {self.status.value}>"


class WebhookAttempt(Base):
    """One try at a delivery: the delivery log's row."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column()
    #: the HTTP status answered; None when there was no answer (refused, timed out).
    status_code: Mapped[int | None] = mapped_column()
    duration_ms: Mapped[int] = mapped_column(default=0)
    #: why there was no usable answer, in a few words written by the sender (never the body).
    error: Mapped[str] = mapped_column(sa.String(200), default="")

    def __repr__(self) -> str:
        return f"<WebhookAttempt {self.id} {self.status_code}>"
