"""Staff accounts, their roles and places, and their recovery codes."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, CreatedAtMixin, enum_type, utcnow
from panel.partners.models import PartnerOrganisation


class Role(StrEnum):
    """What an account may do: comms team everything, place team its places, observer reads;
    a partner sees only its own organisation's pages (never members' personal data)."""

    COMMS = "comms"
    PLACE = "place"
    OBSERVER = "observer"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return {
            "comms": "Communications and engagement team",
            "place": "Place team",
            "observer": "Observer",
            "partner": "Partner organisation",
        }[self.value]


staff_places = sa.Table(
    "staff_places",
    Base.metadata,
    sa.Column(
        "staff_user_id", sa.ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("place_id", sa.ForeignKey("places.id", ondelete="CASCADE"), primary_key=True),
)


def new_session_token() -> str:
    """A new random session token (rotated to end every session of the account)."""
    return secrets.token_urlsafe(24)


class StaffUser(UserMixin, CreatedAtMixin, Base):
    """A member of ICB staff who signs in with a password and a second factor."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    #: argon2id hash; empty until the invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    #: base32 TOTP secret; set at enrolment, trusted only once totp_confirmed_at is set.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_confirmed_at: Mapped[datetime | None]
    #: the last TOTP time step accepted, so a code cannot be replayed within its window.
    totp_last_step: Mapped[int | None]
    last_login_at: Mapped[datetime | None]
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: binds the invitation link to the account; rotated when a password is set, so an
    #: invitation works once. (Sign-in sessions are rows in login_sessions.)
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    password_changed_at: Mapped[datetime | None]
    #: the organisation a partner account belongs to (set for the partner role only).
    partner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organisations.id"), index=True
    )

    partner_organisation: Mapped[PartnerOrganisation | None] = relationship(lazy="selectin")
    places = relationship("Place", secondary=staff_places, lazy="selectin", order_by="Place.name")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="staff_user", cascade="all, delete-orphan"
    )

    #: the token of the signed-in browser being served (set by the user loader, never stored).
    login_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookie: this browser's session token, not the user id."""
        if not self.login_token:
            raise RuntimeError("a staff user is signed in only through a login session")
        return self.login_token

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def place_ids(self) -> set[int]:
        return {place.id for place in self.places}

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff_user: Mapped[StaffUser] = relationship(back_populates="recovery_codes")

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} used={self.used_at is not None}>"
