"""A partner organisation: whose people may sign in with the partner role (issue 24)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, utcnow
from panel.places.models import Place


class PartnerOrganisation(Base):
    """An organisation outside the ICB that recruits, hears from people and reports to us."""

    __tablename__ = "partner_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: the place the organisation works in; None: across the ICB.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"))
    #: who added it is in the audit log (no link to staff_users: staff users link here).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place | None] = relationship(lazy="selectin")

    def __repr__(self) -> str:
        return f"<PartnerOrganisation {self.id} {self.name!r}>"
