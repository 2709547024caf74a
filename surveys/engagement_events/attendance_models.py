"""On the day: who came (one row per person, from the register, their QR code or as a walk-in),
and the event's notes and outputs. Attendance is per person so that involvement payment claims
can later be generated from the rows marked attended that name a member."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, enum_type, utcnow


class CheckedInBy(StrEnum):
    """How the attendance was recorded."""

    REGISTER = "register"
    QR_CODE = "qr_code"
    WALK_IN = "walk_in"

    @property
    def label(self) -> str:
        return {"register": "Register", "qr_code": "QR code", "walk_in": "Walk-in"}[self.value]


class EventAttendance(Base):
    """One person at one event: attended or absent (no row: not recorded yet)."""

    __tablename__ = "event_attendances"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "member_id"),
        sa.UniqueConstraint("invitation_id"),
        # a walk-in who did not join the panel is known only by the name they gave.
        sa.CheckConstraint(
            "invitation_id IS NOT NULL OR member_id IS NOT NULL OR walk_in_name != ''",
            name="someone",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("engagement_events.id", ondelete="CASCADE"), index=True
    )
    #: the booking (None: a walk-in).
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_invitations.id", ondelete="CASCADE")
    )
    #: None: a walk-in who did not join the panel (a walk-in whose sign-up was never confirmed
    #: keeps their name when the unconfirmed sign-up is deleted; members leaving are erased).
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    #: the name a walk-in gave (deleted with the event's other personal notes by the retention
    #: rule); empty for people who booked.
    walk_in_name: Mapped[str] = mapped_column(sa.String(200), default="")
    attended: Mapped[bool]
    checked_in_by: Mapped[CheckedInBy] = mapped_column(enum_type(CheckedInBy))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<EventAttendance {self.id} event={self.event_id} attended={self.attended}>"


class EventOutputs(Base):
    """An event's notes and outputs: what happened (the findings go to the insight library)."""

    __tablename__ = "event_outputs"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("engagement_events.id", ondelete="CASCADE"), primary_key=True
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
