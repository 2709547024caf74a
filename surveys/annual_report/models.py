"""A financial year's draft of the annual report's involvement section, as staff last saved it,
with the figures it was generated from (to warn when the register has changed since)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, utcnow


class AnnualReportDraft(Base):
    """The editable draft of one financial year's section."""

    __tablename__ = "annual_report_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the calendar year in which the financial year starts (2025: 1 April 2025 to 31 March 2026).
    year_start: Mapped[int] = mapped_column(unique=True)
    #: the section in Markdown, as generated and then edited by staff.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: the figures the draft was generated from (annual_report.figures.as_record).
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: SHA-256 of those figures: a different one now means the register changed since.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<AnnualReportDraft {self.year_start}>"
