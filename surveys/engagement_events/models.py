"""An engagement event and the people invited to it, with the confirmed-place counter."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow
from panel.i18n import N_
from panel.places.models import Place
from surveys.models import InvolvementLevel


class EventFormat(StrEnum):
    """How people take part."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        labels = {"in_person": N_("In person"), "online": N_("Online"), "hybrid": N_("Hybrid")}
        return labels[self.value]


class EventStatus(StrEnum):
    """An event's life: drafted, open for invitations and replies, or called off."""

    DRAFT = "draft"
    OPEN = "open"
    CANCELLED = "cancelled"


class InvitationState(StrEnum):
    """Where one invitee stands."""

    #: chosen as a reserve, not yet invited (invited in order as others decline).
    RESERVE = "reserve"
    INVITED = "invited"
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    DECLINED = "declined"
    CANCELLED = "cancelled"


#: states that hold nobody's place and may still take one.
MAY_TAKE_PLACE = (InvitationState.INVITED, InvitationState.WAITING)


class EngagementEvent(Base):
    """A focus group, workshop, roadshow or co-design session."""

    __tablename__ = "engagement_events"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        # The last line of defence behind the conditional UPDATE in places.take_place.
        sa.CheckConstraint("confirmed_count <= capacity", name="confirmed_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    involvement: Mapped[InvolvementLevel] = mapped_column(enum_type(InvolvementLevel))
    #: None: ICB-wide.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    format: Mapped[EventFormat] = mapped_column(enum_type(EventFormat))
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    #: step-free access, hearing loop, toilets, parking: what people need to know to come.
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    #: an http(s) map address for the venue.
    map_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: sent only to confirmed attendees, never shown on a public page.
    joining_link: Mapped[str] = mapped_column(sa.String(500), default="")
    #: instants in UTC, resolved from local wall-clock time by panel.local_time.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    #: confirmed places, moved only by conditional UPDATEs so that it never passes capacity.
    confirmed_count: Mapped[int] = mapped_column(default=0)
    replies_close_at: Mapped[datetime]
    survey_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="SET NULL"), index=True
    )
    #: the fair selection invited (its reserves are invited in order as people decline).
    selection_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fair_selections.id", ondelete="SET NULL")
    )
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus), default=EventStatus.DRAFT)
    #: shown on the public engagement page (title, purpose, when and where; never who is coming).
    listed_publicly: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: anyone may register on the event's public page (not only invited members).
    registration_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: the event's own questions on its registration page (at most MAX_QUESTIONS, each short).
    registration_questions: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place | None] = relationship()

    def __repr__(self) -> str:
        return f"<EngagementEvent {self.id} {self.title!r} {self.status}>"

    def replies_open(self, now: datetime) -> bool:
        """Open, and before the closing date for replies."""
        return self.status is EventStatus.OPEN and now < self.replies_close_at

    def registration_accepting(self, now: datetime) -> bool:
        """Its public registration page takes registrations now."""
        return self.registration_open and self.replies_open(now)


class EventInvitation(Base):
    """One person's invitation to one event, and their reply."""

    __tablename__ = "event_invitations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "member_id"),
        # NULL for members, so only registrants are held to one place per address.
        sa.UniqueConstraint("event_id", "registrant_email"),
        sa.Index("ix_event_invitations_waiting", "event_id", "state", "waiting_since"),
        sa.CheckConstraint(
            "member_id IS NOT NULL OR registrant_name != ''", name="member_or_registrant"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("engagement_events.id", ondelete="CASCADE"), index=True
    )
    #: None for someone who registered on the public page without being a member.
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    #: a registrant's name, address, language and answers to the event's questions; deleted
    #: with the needs by the retention rule (the name becomes "Registrant", the rest goes).
    registrant_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    registrant_email: Mapped[str | None] = mapped_column(sa.String(320))
    registrant_language: Mapped[str | None] = mapped_column(sa.String(10))
    #: answers in the order of the event's questions, as [{"question": ..., "answer": ...}].
    answers: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    state: Mapped[InvitationState] = mapped_column(enum_type(InvitationState))
    #: the selection stratum this person was chosen for (reserves replace within it).
    stratum: Mapped[str] = mapped_column(sa.String(200), default="")
    #: a reserve's place in the selection's ordered reserve list (None: not a reserve).
    reserve_rank: Mapped[int | None]
    #: changed on every reply, so an emailed link works once.
    reply_nonce: Mapped[str] = mapped_column(sa.String(32))
    invited_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    #: when they joined the waiting list; the earliest is offered a freed place first.
    waiting_since: Mapped[datetime | None]
    #: access and dietary needs, kept only with consent and deleted by the retention rule.
    access_needs: Mapped[str] = mapped_column(sa.Text, default="")
    dietary_needs: Mapped[str] = mapped_column(sa.Text, default="")
    needs_consent_at: Mapped[datetime | None]
    needs_deleted_at: Mapped[datetime | None]
    week_reminder_at: Mapped[datetime | None]
    day_reminder_at: Mapped[datetime | None]

    event: Mapped[EngagementEvent] = relationship()

    def __repr__(self) -> str:
        return f"<EventInvitation {self.id} event={self.event_id} {self.state}>"

    @property
    def is_registrant(self) -> bool:
        """Registered on the public page rather than invited as a member."""
        return self.member_id is None
