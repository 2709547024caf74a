"""Saved segments, the contact history that rations contact, and the contact caps."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow


class Segment(Base):
    """A saved set of conditions, evaluated afresh every time it is used (never a frozen list)."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    #: the place team that owns it; null for segments of the whole ICB (comms team only).
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    #: the condition tree; see panel.segments.definition for its shape.
    definition: Mapped[dict] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    place = relationship("Place")
    created_by = relationship("StaffUser")

    def __repr__(self) -> str:
        return f"<Segment {self.id} {self.name!r}>"


class ContactKind(StrEnum):
    """What kind of contact with a member was recorded."""

    SURVEY_INVITATION = "survey_invitation"
    #: an invitation to an engagement event; counts against the contact caps like a survey's.
    EVENT_INVITATION = "event_invitation"
    SURVEY_RESPONSE = "survey_response"
    BULLETIN_OPEN = "bulletin_open"


class MemberContact(Base):
    """One contact with a member: invited, responded, opened a bulletin. Rations contact and
    answers "engaged in the last N months" conditions."""

    __tablename__ = "member_contacts"
    __table_args__ = (sa.Index("ix_member_contacts_member_kind_at", "member_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[ContactKind] = mapped_column(enum_type(ContactKind, length=30))
    #: the survey or bulletin concerned.
    reference_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<MemberContact {self.kind} member={self.member_id}>"


#: the caps until the comms team first saves its own: at most 2 survey invitations in any 30 days.
DEFAULT_MAX_INVITATIONS, DEFAULT_WINDOW_DAYS = 2, 30


class ContactRules(Base):
    """The contact caps, one row, editable by the comms team."""

    __tablename__ = "contact_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    max_invitations: Mapped[int] = mapped_column(default=DEFAULT_MAX_INVITATIONS)
    window_days: Mapped[int] = mapped_column(default=DEFAULT_WINDOW_DAYS)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ContactRules {self.max_invitations} per {self.window_days} days>"


class GroupContactCap(Base):
    """A stricter cap for one group of members (e.g. a small group asked too often), on top of
    the panel-wide rules: a member of the group is skipped once either cap is reached."""

    __tablename__ = "group_contact_caps"
    __table_args__ = (sa.UniqueConstraint("field", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a choice field of panel.segments.definition.FIELDS (place, age band, ethnic group...).
    field: Mapped[str] = mapped_column(sa.String(40))
    #: one of the field's codes.
    value: Mapped[str] = mapped_column(sa.String(60))
    max_invitations: Mapped[int]
    window_days: Mapped[int]
    #: why the group has its own cap, as the comms team wrote it.
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        cap = f"{self.max_invitations}/{self.window_days}d"
        return f"<GroupContactCap {self.field}={self.value} {cap}>"


class FairSelection(Base):
    """A stratified random selection from a segment, kept so its export matches what was shown."""

    __tablename__ = "fair_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    number_wanted: Mapped[int]
    seed: Mapped[int]
    features: Mapped[list] = mapped_column(sa.JSON)
    #: the places whose Census 2021 population the targets came from ([]: made before 0017).
    population_place_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: shares the user set in place of Census: {characteristic: {category: "percentage"}}.
    target_shares: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: member ids chosen (emptied of anyone who later leaves the panel, at export time).
    member_ids: Mapped[list] = mapped_column(sa.JSON)
    #: per-quota outcome rows and messages, as shown to staff.
    report: Mapped[dict] = mapped_column(sa.JSON)
    #: special category fields the selection was narrowed or balanced by (segment conditions and
    #: quota characteristics), fixed when it was made: only the comms team may see its result.
    special_category_fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    segment: Mapped[Segment] = relationship()

    def __repr__(self) -> str:
        return f"<FairSelection {self.id} of segment {self.segment_id}>"
