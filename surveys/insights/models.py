"""An insight finding: what we heard, where it came from, when, where, about what and from whom."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow
from panel.disclosure import SMALL_NUMBER_MAX
from panel.i18n import N_, gettext
from panel.places.models import Place
from panel.web_links import web_link
from surveys.insights.vocabulary import GROUP_LABELS, TOPIC_LABELS, decode_codes
from surveys.models import InvolvementLevel, Survey

if TYPE_CHECKING:
    from surveys.decisions.models import DecisionRecord


class SourceKind(StrEnum):
    """Where the finding came from."""

    SURVEY = "survey"
    EVENT = "event"
    FOCUS_GROUP = "focus_group"
    PARTNER_REPORT = "partner_report"

    @property
    def label(self) -> str:
        return {
            "survey": N_("Survey results"),
            "event": N_("Event"),
            "focus_group": N_("Focus group"),
            "partner_report": N_("Partner report (for example Healthwatch)"),
        }[self.value]


class InsightFinding(Base):
    """One finding in the insight library."""

    __tablename__ = "insight_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: what we heard, in plain words.
    summary: Mapped[str] = mapped_column(sa.Text)
    source_kind: Mapped[SourceKind] = mapped_column(enum_type(SourceKind))
    #: who ran it or wrote the report (for example "Healthwatch Blackpool").
    source_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: an http(s) address of the report or write-up (checked when saved and when shown).
    source_url: Mapped[str] = mapped_column(sa.String(500), default="")
    survey_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="SET NULL"), index=True
    )
    #: the engagement event whose notes and outputs recorded it (None: recorded in the library).
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("engagement_events.id", ondelete="SET NULL"), index=True
    )
    #: when we heard it: the event's date, the survey's close or the report's publication.
    heard_on: Mapped[date] = mapped_column(sa.Date, index=True)
    #: None: ICB-wide.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    #: topic codes (surveys.insights.vocabulary.TOPICS) as "|a|b|".
    topic_codes: Mapped[str] = mapped_column(sa.String(500), default="")
    #: group codes (surveys.insights.vocabulary.GROUPS) as "|a|b|".
    group_codes: Mapped[str] = mapped_column(sa.String(500), default="")
    #: how many people we heard from; None: not known.
    people_heard: Mapped[int | None]
    #: how far an event or focus group involved people (None for a report).
    involvement: Mapped[InvolvementLevel | None] = mapped_column(enum_type(InvolvementLevel))
    #: the person who keeps the finding up to date (a name, not an account).
    owner_name: Mapped[str] = mapped_column(sa.String(200))
    #: whether the public pages may show it (staff decide; small numbers are still hidden).
    is_public: Mapped[bool] = mapped_column(default=False)
    #: title, summary, source, place and tag names in normal form (vocabulary.normalise), searched
    #: with one LIKE per word so SQLite and PostgreSQL find the same findings.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: the partner organisation that sent the report (a partner account's submission).
    partner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organisations.id"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place | None] = relationship()
    survey: Mapped[Survey | None] = relationship()
    decision: Mapped[DecisionRecord | None] = relationship("DecisionRecord")

    @property
    def topics(self) -> list[str]:
        """The topic codes, in the order chosen."""
        return decode_codes(self.topic_codes)

    @property
    def groups(self) -> list[str]:
        """The group codes, in the order chosen."""
        return decode_codes(self.group_codes)

    @property
    def topic_names(self) -> list[str]:
        """The topics' names."""
        return [TOPIC_LABELS.get(code, code) for code in self.topics]

    @property
    def group_names(self) -> list[str]:
        """The groups' names."""
        return [GROUP_LABELS.get(code, code) for code in self.groups]

    @property
    def people_heard_shown(self) -> str:
        """How many people we heard from, for public pages: 1 to 7 is "fewer than 8" (NHS
        Digital's small-number rule); empty when not known."""
        if self.people_heard is None:
            return ""
        if 1 <= self.people_heard <= SMALL_NUMBER_MAX:
            return gettext("fewer than %(number)s", number=SMALL_NUMBER_MAX + 1)
        return f"{self.people_heard:,}"

    @property
    def source_link(self) -> str:
        """The report's address if it is a web address (nothing else is ever linked)."""
        return web_link(self.source_url)

    def __repr__(self) -> str:
        return f"<InsightFinding {self.id} {self.source_kind}>"


class InsightAttachment(Base):
    """A file a partner sent with its insight report, kept as a PDF (a photo is made into one,
    its camera and location details left behind; see surveys.insights.partner_reports)."""

    __tablename__ = "insight_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        sa.ForeignKey("insight_findings.id", ondelete="CASCADE"), index=True
    )
    #: the name the file was sent with, cleaned (shown, never used as a path).
    filename: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<InsightAttachment {self.id} finding={self.finding_id}>"
