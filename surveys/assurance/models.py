"""The committee's meetings: the dates the Public Involvement and Engagement Advisory Committee
met, so its report can cover the time since the last one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, CreatedAtMixin


class CommitteeMeeting(CreatedAtMixin, Base):
    """One meeting of the committee (it meets about every two months)."""

    __tablename__ = "committee_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the day the committee met (or will meet); one meeting a day.
    held_on: Mapped[date] = mapped_column(sa.Date, unique=True)

    def __repr__(self) -> str:
        return f"<CommitteeMeeting {self.held_on}>"
