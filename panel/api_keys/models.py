"""An API key issued to a partner organisation (only the SHA-256 of its secret is kept)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, utcnow


class Scope(StrEnum):
    """What a key may do."""

    READ_PUBLIC = "read-public"
    READ_PLACE_RESULTS = "read-place-results"
    SUBMIT_INSIGHT = "submit-insight"
    SUBMIT_RESPONSES = "submit-responses"

    @property
    def label(self) -> str:
        """The scope as the staff page describes it."""
        return SCOPE_LABELS[self]


SCOPE_LABELS = {
    Scope.READ_PUBLIC: "Read what is public: published results, decisions, bulletins",
    Scope.READ_PLACE_RESULTS: "Read every closed question of a place's published results",
    Scope.SUBMIT_INSIGHT: "Submit insight reports (not available yet)",
    Scope.SUBMIT_RESPONSES: "Submit responses gathered on paper or at events (not available yet)",
}

#: the scopes' names, for checking stored and submitted values.
SCOPE_VALUES = frozenset(scope.value for scope in Scope)


class ApiKey(Base):
    """A partner organisation's key to the API."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the partner organisation the key was issued to (a partner organisation table may follow).
    organisation: Mapped[str] = mapped_column(sa.String(120))
    #: what the key is for, in the organisation's words ("Healthwatch Blackpool website").
    name: Mapped[str] = mapped_column(sa.String(120))
    #: the first characters of the secret, to recognise a key in lists and logs.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    #: SHA-256 (hex) of the whole secret; the secret itself is shown once and never stored.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: the Scope values granted, space separated.
    scopes: Mapped[str] = mapped_column(sa.String(200))
    #: null: every place; else the one place whose place results the key may read.
    place_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("places.id", ondelete="RESTRICT"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    place = relationship("Place")

    @property
    def scope_set(self) -> frozenset[Scope]:
        """The scopes granted."""
        return frozenset(Scope(value) for value in self.scopes.split() if value in SCOPE_VALUES)

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.prefix}>"
