"""Audit events, append-only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, utcnow


class AuditEvent(Base):
    """One staff action on personal data, or one send."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: null for actions taken by the system (scheduled jobs) rather than a person.
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    #: a dotted verb, e.g. "member.view", "members.export", "staff.invite".
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    #: ids of the records touched, comma separated; exports can name thousands.
    object_ids: Mapped[str] = mapped_column(sa.Text, default="")
    #: a short description without personal data (never names, emails or equality answers).
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    staff_user = relationship("StaffUser")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"
