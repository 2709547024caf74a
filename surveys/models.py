"""Surveys as they are planned, written, reviewed and published; their reviewers' comments,
the reasons recorded for overriding the guidance, and the immutable published snapshots."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow

# IllegalTransition is re-exported: the services and views that move a record catch it from here.
from panel.state_machine import IllegalTransition as IllegalTransition
from panel.state_machine import StateMachine


class SurveyStatus(StrEnum):
    """Where a survey is in its life; SURVEY_STATES says which moves are allowed."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    LIVE = "live"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "in_review": "In review",
            "approved": "Approved",
            "live": "Live",
            "closed": "Closed",
        }[self.value]


#: the only moves a survey may make; anything else raises IllegalTransition.
SURVEY_STATES = StateMachine(
    {
        SurveyStatus.DRAFT: {SurveyStatus.IN_REVIEW},
        SurveyStatus.IN_REVIEW: {SurveyStatus.DRAFT, SurveyStatus.APPROVED},
        # Any edit after approval sends it back to review.
        SurveyStatus.APPROVED: {SurveyStatus.IN_REVIEW, SurveyStatus.LIVE},
        SurveyStatus.LIVE: {SurveyStatus.CLOSED},
        SurveyStatus.CLOSED: set(),
    },
    lambda current, new: (
        f"A survey that is {current.label.lower()} cannot become {new.label.lower()}"
    ),
)


class AudienceKind(StrEnum):
    """Who a survey is for: the panel, a segment, or anyone with an open link."""

    PANEL = "panel"
    SEGMENT = "segment"
    PUBLIC = "public"


class InvolvementLevel(StrEnum):
    """How far the survey involves people (the engagement ladder)."""

    INFORM = "inform"
    LISTEN = "listen"
    DISCUSS = "discuss"
    COLLABORATE = "collaborate"
    EMPOWER = "empower"


def is_open(
    status: SurveyStatus, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> bool:
    """Live, and between its opening and closing instants (closing is exact to the minute)."""
    return (
        status is SurveyStatus.LIVE
        and opens_at is not None
        and closes_at is not None
        and opens_at <= now < closes_at
    )


class Survey(Base):
    """One survey: its plan, and its pages and questions as a document in the export format."""

    __tablename__ = "surveys"
    __table_args__ = (sa.Index("ix_surveys_status_closes_at", "status", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[SurveyStatus] = mapped_column(
        enum_type(SurveyStatus), default=SurveyStatus.DRAFT
    )
    #: the place team that owns it; null for the whole ICB (communications team).
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    #: the decision the answers will inform.
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    #: "what do we already know": earlier engagement, complaints, data, and why ask again.
    already_known: Mapped[str] = mapped_column(sa.Text, default="")
    equality_considerations: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[AudienceKind] = mapped_column(
        enum_type(AudienceKind), default=AudienceKind.PANEL
    )
    segment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("segments.id", ondelete="SET NULL")
    )
    involvement: Mapped[InvolvementLevel] = mapped_column(
        enum_type(InvolvementLevel), default=InvolvementLevel.LISTEN
    )
    #: instants (UTC); the pages show and take Europe/London wall-clock times.
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    formal_consultation: Mapped[bool] = mapped_column(default=False)
    #: why a survey may run for under 30 days; empty unless it is urgent.
    urgent_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: answers linked to the member for follow-up, or anonymous.
    anonymous: Mapped[bool] = mapped_column(default=True)
    #: days before closing to remind people who have not finished; null for no reminder.
    reminder_days: Mapped[int | None] = mapped_column(default=None)
    #: what a closed survey tells people: when and where the results will be published.
    results_note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: {"pages": [{"title", "show_if", "questions": [...]}]} in the export format.
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: when the retention schedule deleted its answers; its figures can no longer be counted.
    responses_removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("StaffUser", foreign_keys=[author_id])
    approved_by = relationship("StaffUser", foreign_keys=[approved_by_id])
    place = relationship("Place")
    segment = relationship("Segment")

    @property
    def pages(self) -> list[dict]:
        return (self.content or {}).get("pages", [])

    @property
    def is_editable(self) -> bool:
        return self.status in (SurveyStatus.DRAFT, SurveyStatus.IN_REVIEW, SurveyStatus.APPROVED)

    def is_open(self, now: datetime) -> bool:
        return is_open(self.status, self.opens_at, self.closes_at, now)

    def move_to(self, new_status: SurveyStatus) -> None:
        """Change status; raises IllegalTransition for a move SURVEY_STATES does not allow."""
        SURVEY_STATES.move_to(self, new_status)

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.status}>"


class GuidanceOverride(Base):
    """A written reason for publishing despite one of the checker's errors."""

    __tablename__ = "survey_guidance_overrides"
    __table_args__ = (sa.UniqueConstraint("survey_id", "rule", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(sa.String(40))
    #: empty for findings about the whole survey.
    question_key: Mapped[str] = mapped_column(sa.String(60), default="")
    reason: Mapped[str] = mapped_column(sa.String(1000))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by = relationship("StaffUser")

    def __repr__(self) -> str:
        return f"<GuidanceOverride {self.rule} {self.question_key}>"


class ReviewComment(Base):
    """A reviewer's comment on a question (or the whole survey), and the author's answers."""

    __tablename__ = "survey_review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(sa.String(60), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    reply_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_review_comments.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("StaffUser")

    def __repr__(self) -> str:
        return f"<ReviewComment {self.id}>"


class SurveySnapshot(Base):
    """The exact survey as published (and after each recorded typo correction), never changed."""

    __tablename__ = "survey_snapshots"
    __table_args__ = (sa.UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    version: Mapped[int]
    #: the canonical JSON text the hash covers.
    document: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: "published", or what a typo correction changed.
    note: Mapped[str] = mapped_column(sa.String(500), default="published")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SurveySnapshot {self.survey_id} v{self.version}>"


class ElectionDate(Base):
    """A polling day in Lancashire and South Cumbria: surveys avoid the weeks before it."""

    __tablename__ = "election_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_date: Mapped[date] = mapped_column(sa.Date, unique=True)
    description: Mapped[str] = mapped_column(sa.String(200))
    added_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ElectionDate {self.poll_date}>"


class ResultsPage(Base):
    """What the public results page says beyond the figures; public once published."""

    __tablename__ = "survey_results_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), unique=True
    )
    #: what we asked and why, in plain words for the public.
    why_we_asked: Mapped[str] = mapped_column(sa.Text, default="")
    #: the key findings in words; the figures come from the data.
    what_you_said: Mapped[str] = mapped_column(sa.Text, default="")
    #: for the engagement report (staff write these; the public page shows next steps).
    recommendations: Mapped[str] = mapped_column(sa.Text, default="")
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    #: one of panel.members.reference.TOPICS, for the public index's filter.
    topic: Mapped[str] = mapped_column(sa.String(40), default="")
    #: the closed questions whose figures the public page shows.
    featured_questions: Mapped[list] = mapped_column(sa.JSON, default=list)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey = relationship("Survey")

    def __repr__(self) -> str:
        return f"<ResultsPage survey={self.survey_id}>"


class FindingMark(Base):
    """An author's note that one of the guidance checker's findings is wrong, and why.

    The question's wording and the finding are copied, so the comms team can judge the mark and
    add it to the checker's corpus even after the question is edited or the survey deleted."""

    __tablename__ = "survey_finding_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    rule: Mapped[str] = mapped_column(sa.String(40))
    #: empty for findings about the whole survey.
    question_key: Mapped[str] = mapped_column(sa.String(60), default="")
    #: the question type and wording when it was marked.
    question_type: Mapped[str] = mapped_column(sa.String(40), default="")
    question_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: the finding's message as the author saw it.
    message: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.String(1000))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    survey = relationship("Survey")
    by = relationship("StaffUser")

    def __repr__(self) -> str:
        return f"<FindingMark {self.rule} {self.question_key}>"
