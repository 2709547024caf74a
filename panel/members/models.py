"""Members, their equality answers, consents, recruitment sources, join drafts and imports."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow
from panel.state_machine import StateMachine


class MemberStatus(StrEnum):
    """Where a member stands; MEMBER_STATES says which moves are allowed."""

    #: signed up, confirmation link not yet followed; deleted after 7 days.
    PENDING = "pending"
    ACTIVE = "active"
    #: left the panel: personal data erased, the row kept only as an anonymous count.
    LEFT = "left"
    #: merged into another record of the same person (panel.duplicates): kept 30 days so the
    #: merge can be undone, then erased.
    MERGED = "merged"
    #: silent for a long time and did not answer "are you still interested?" by its deadline
    #: (panel.activity): kept, counted apart, sent no invitations or bulletins; signing in or
    #: the email's "yes, keep me" link makes them active again.
    INACTIVE = "inactive"


#: the only moves a member may make: confirming the signup, leaving (which erases them), going
#: quiet (inactive) and coming back.
MEMBER_STATES = StateMachine(
    {
        MemberStatus.PENDING: {MemberStatus.ACTIVE, MemberStatus.LEFT},
        MemberStatus.ACTIVE: {MemberStatus.LEFT, MemberStatus.MERGED, MemberStatus.INACTIVE},
        MemberStatus.LEFT: set(),
        MemberStatus.MERGED: {MemberStatus.ACTIVE, MemberStatus.LEFT},
        MemberStatus.INACTIVE: {MemberStatus.ACTIVE, MemberStatus.LEFT},
    },
    lambda current, new: f"A {current.value} member cannot become {new.value}",
)


class ConsentBasis(StrEnum):
    """Why the panel may hold the member's data: they signed up, or were imported."""

    SIGNUP = "signup"
    IMPORTED = "imported"


class Member(Base):
    """A resident on the panel (or signing up to it)."""

    __tablename__ = "members"
    __table_args__ = (
        # The directory lists a place's newest sign-ups first and counts them by status.
        sa.Index("ix_members_place_created", "place_id", "created_at"),
        sa.Index("ix_members_place_status", "place_id", "status"),
        sa.Index("ix_members_status_created", "status", "created_at"),
        # The panel health page counts joiners, leavers, the inactive and the unreachable by
        # month and place: read by date range from the index alone (it holds all it needs).
        sa.Index("ix_members_joined_at", "joined_at", "place_id", "status", "left_at"),
        sa.Index("ix_members_left_at", "left_at", "place_id", "status"),
        sa.Index("ix_members_inactive_at", "inactive_at", "place_id", "status"),
        sa.Index("ix_members_unreachable_at", "unreachable_at", "place_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: lower-cased; null once the member has left (erasure).
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(80))
    last_name: Mapped[str | None] = mapped_column(sa.String(80))
    postcode: Mapped[str | None] = mapped_column(sa.String(8))
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("neighbourhoods.id"), index=True
    )
    age_band: Mapped[str | None] = mapped_column(sa.String(8))
    #: topic codes from panel.members.reference.TOPICS.
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: "standard", "easy_read" or "large_print"; null when never asked. The join form stopped
    #: asking (issue 19) until something sends information in that format (issue 23).
    preferred_format: Mapped[str | None] = mapped_column(sa.String(20))
    #: a code from reference.LANGUAGES; null when never asked (see preferred_format).
    language: Mapped[str | None] = mapped_column(sa.String(10))
    heard_from: Mapped[str | None] = mapped_column(sa.String(30))
    recruitment_source_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recruitment_sources.id"), index=True
    )
    status: Mapped[MemberStatus] = mapped_column(
        enum_type(MemberStatus), default=MemberStatus.PENDING
    )
    consent_basis: Mapped[ConsentBasis] = mapped_column(
        enum_type(ConsentBasis), default=ConsentBasis.SIGNUP
    )
    #: the member agreed that we may see when they open or click our emails (PECR).
    tracking_consent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    #: no survey invitations until then (bulletins still come: see bulletin_paused_until).
    paused_until: Mapped[datetime | None]
    #: no bulletins until then; chosen separately from the invitations pause.
    bulletin_paused_until: Mapped[datetime | None]
    #: no panel emails at all from then on, until the member resubscribes.
    unsubscribed_at: Mapped[datetime | None]
    #: the member last signed in or said "yes, keep me" (answers are in member_contacts).
    last_seen_at: Mapped[datetime | None]
    #: when "are you still interested?" was sent, and the deadline to answer it; both null
    #: when never asked or once answered (panel.activity).
    interest_asked_at: Mapped[datetime | None]
    interest_deadline: Mapped[datetime | None]
    #: when the member was last moved to inactive (kept after they come back, for the figures).
    inactive_at: Mapped[datetime | None]
    #: the provider said the address bounced or complained; cleared when the member gives a
    #: new address. The member area asks them to update their details.
    unreachable_at: Mapped[datetime | None]
    #: "bounced" or "complained".
    unreachable_reason: Mapped[str | None] = mapped_column(sa.String(20))
    #: binds emailed confirm and sign-in links, so each works once: rotated whenever one is
    #: used or the member leaves. (Signed-in browsers are rows in login_sessions.)
    session_token: Mapped[str] = mapped_column(
        sa.String(64), default=lambda: secrets.token_urlsafe(24)
    )

    place = relationship("Place")
    neighbourhood = relationship("Neighbourhood")
    recruitment_source: Mapped[RecruitmentSource | None] = relationship()
    equality: Mapped[EqualityProfile | None] = relationship(
        back_populates="member", cascade="all, delete-orphan", uselist=False
    )
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="ConsentRecord.at"
    )

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "Former member"

    def is_paused(self, now: datetime) -> bool:
        """Whether survey invitations are paused at ``now`` (the bulletin is another choice)."""
        return self.paused_until is not None and self.paused_until > now

    def is_bulletin_paused(self, now: datetime) -> bool:
        """Whether the bulletin is paused at ``now``."""
        return self.bulletin_paused_until is not None and self.bulletin_paused_until > now

    @property
    def can_be_emailed(self) -> bool:
        return (
            self.status is MemberStatus.ACTIVE and self.unsubscribed_at is None and bool(self.email)
        )

    def move_to(self, new_status: MemberStatus) -> None:
        """Change status; raises IllegalTransition for a move MEMBER_STATES does not allow."""
        MEMBER_STATES.move_to(self, new_status)

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.status}>"


class EqualityProfile(Base):
    """Special category data: stored only while the member's explicit consent stands."""

    __tablename__ = "member_equality"

    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    sex: Mapped[str | None] = mapped_column(sa.String(20))
    gender_identity: Mapped[str | None] = mapped_column(sa.String(20))
    sexual_orientation: Mapped[str | None] = mapped_column(sa.String(20))
    #: Census 2021 19-category code, or "pns".
    ethnic_group: Mapped[str | None] = mapped_column(sa.String(20))
    religion: Mapped[str | None] = mapped_column(sa.String(20))
    disability: Mapped[str | None] = mapped_column(sa.String(20))
    carer: Mapped[str | None] = mapped_column(sa.String(20))
    armed_forces: Mapped[str | None] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="equality")

    def __repr__(self) -> str:
        return f"<EqualityProfile member={self.member_id}>"


class ConsentKind(StrEnum):
    """What a consent record is about."""

    MEMBERSHIP = "membership"
    SPECIAL_CATEGORY = "special_category"
    TRACKING = "tracking"


class ConsentRecord(Base):
    """One consent given or withdrawn: what, when, which wording, how."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ConsentKind] = mapped_column(enum_type(ConsentKind))
    given: Mapped[bool]
    wording_version: Mapped[str] = mapped_column(sa.String(40))
    #: e.g. "join form", "member area", "import", "unsubscribe link".
    method: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="consents")

    def __repr__(self) -> str:
        return f"<ConsentRecord {self.kind} given={self.given}>"


class RecruitmentSource(Base):
    """A trackable sign-up link for a channel or partner, e.g. "Healthwatch Blackpool"."""

    __tablename__ = "recruitment_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: the opaque code in the sign-up link (?source=...).
    code: Mapped[str] = mapped_column(
        sa.String(24), unique=True, default=lambda: secrets.token_urlsafe(9)
    )
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"))
    #: the partner organisation whose link this is: its partner accounts see the sign-up counts.
    partner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organisations.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    place = relationship("Place")

    def __repr__(self) -> str:
        return f"<RecruitmentSource {self.id} {self.name!r}>"


class JoinDraft(Base):
    """Answers given so far in the join form, kept server-side between steps (never in a cookie)."""

    __tablename__ = "join_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of the random token held in the browser's session.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<JoinDraft {self.id}>"


class MemberImport(Base):
    """An uploaded CSV waiting for confirmation: nothing is written to members until then."""

    __tablename__ = "member_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    recruitment_source_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recruitment_sources.id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    #: how many members the confirmed import created.
    created_count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<MemberImport {self.id}>"
