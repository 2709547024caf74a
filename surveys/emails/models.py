"""The wording a survey's team gave one of its emails; no row means the default wording."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, enum_type, utcnow


class EmailKind(StrEnum):
    """The survey emails whose wording a team may change."""

    INVITATION = "invitation"
    REMINDER = "reminder"
    FEEDBACK = "feedback"

    @property
    def label(self) -> str:
        """The email's name on the staff pages."""
        return {
            "invitation": "Invitation",
            "reminder": "Reminder",
            "feedback": "Results email",
        }[self.value]


class SurveyEmail(Base):
    """The subject and body a survey's team wrote for one of its emails."""

    __tablename__ = "survey_emails"
    __table_args__ = (sa.UniqueConstraint("survey_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EmailKind] = mapped_column(enum_type(EmailKind))
    #: plain text with {placeholders}; checked when saved (surveys.emails.wording).
    subject: Mapped[str] = mapped_column(sa.String(200))
    #: plain text with {placeholders}, paragraphs split by blank lines; the link, the closing
    #: date and the unsubscribe link are added around it by the email's layout.
    body: Mapped[str] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SurveyEmail survey={self.survey_id} {self.kind}>"
