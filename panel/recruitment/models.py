"""The panel's recruitment target: a total and, where the comms team sets them, places' shares."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, utcnow

#: the strategy's ambition (003_*.txt): about 4,000 members, segmented by place.
DEFAULT_PANEL_TARGET = 4000


class RecruitmentTarget(Base):
    """The whole panel's target (place_id null) or one place's own share of it.

    A place without a row takes a share of what is left of the total in proportion to its
    population (Census 2021), so the places' targets always add up to the total."""

    __tablename__ = "recruitment_targets"
    __table_args__ = (sa.UniqueConstraint("place_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="CASCADE"))
    target: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<RecruitmentTarget place={self.place_id} {self.target}>"
