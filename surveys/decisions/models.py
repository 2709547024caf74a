"""The decisions register's records: a decision, its links to the involvement behind it, its
status history, and who was told about it (one row per person and announcement)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow
from panel.i18n import N_
from panel.places.models import Place
from panel.state_machine import StateMachine
from panel.web_links import web_link
from surveys.insights.models import InsightFinding
from surveys.models import Survey


class BodyKind(StrEnum):
    """The kind of body that makes the decision; each decision also names the body."""

    BOARD = "board"
    COMMITTEE = "committee"
    PLACE_BOARD = "place_board"
    PROGRAMME = "programme"

    @property
    def label(self) -> str:
        return {
            "board": N_("The ICB Board"),
            "committee": N_("A committee of the Board"),
            "place_board": N_("A place-based partnership board"),
            "programme": N_("A programme"),
        }[self.value]


#: The statuses as the public pages write them, marked for translation there.
STATUS_WORDS = (N_("proposed"), N_("made"), N_("implemented"), N_("reviewed"))


class DecisionStatus(StrEnum):
    """Where a decision is: proposed, made, implemented, reviewed."""

    PROPOSED = "proposed"
    MADE = "made"
    IMPLEMENTED = "implemented"
    REVIEWED = "reviewed"

    @property
    def label(self) -> str:
        return {
            "proposed": N_("Proposed"),
            "made": N_("Made"),
            "implemented": N_("Implemented"),
            "reviewed": N_("Reviewed"),
        }[self.value]


#: a decision only moves forward; a mistake is corrected by editing the record, not its status.
DECISION_STATES: StateMachine[DecisionStatus] = StateMachine(
    {
        DecisionStatus.PROPOSED: {DecisionStatus.MADE},
        DecisionStatus.MADE: {DecisionStatus.IMPLEMENTED, DecisionStatus.REVIEWED},
        DecisionStatus.IMPLEMENTED: {DecisionStatus.REVIEWED},
        DecisionStatus.REVIEWED: set(),
    },
    lambda current, new: f"A decision that is {current.value} cannot become {new.value}",
)

#: the statuses in which the decision has been made (the measures count from these).
MADE_STATUSES = frozenset(
    {DecisionStatus.MADE, DecisionStatus.IMPLEMENTED, DecisionStatus.REVIEWED}
)


class LinkKind(StrEnum):
    """What informed the decision: a survey, an earlier decision, a finding in the insight
    library, or other involvement."""

    SURVEY = "survey"
    DECISION = "decision"
    OTHER = "other"
    INSIGHT = "insight"


class OtherKind(StrEnum):
    """Involvement recorded here rather than run through the panel."""

    EVENT = "event"
    FOCUS_GROUP = "focus_group"
    PARTNER_REPORT = "partner_report"

    @property
    def label(self) -> str:
        return {
            "event": N_("Event"),
            "focus_group": N_("Focus group"),
            "partner_report": N_("Partner insight report"),
        }[self.value]


class LinkOutcome(StrEnum):
    """How what people said was used: we did, or we did not (and why)."""

    DID = "did"
    DID_NOT = "did_not"

    @property
    def label(self) -> str:
        return {"did": N_("We did"), "did_not": N_("We did not, because")}[self.value]


class DecisionRecord(Base):
    """One decision in the register."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: what was decided (or is proposed), in plain words.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: the date of the meeting or sign-off that made (or will make) the decision.
    decided_on: Mapped[date] = mapped_column(sa.Date)
    body_kind: Mapped[BodyKind] = mapped_column(enum_type(BodyKind))
    body_name: Mapped[str] = mapped_column(sa.String(200))
    #: None: an ICB-wide decision.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    paper_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    #: an http(s) address of the paper (checked when saved and again when shown).
    paper_url: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[DecisionStatus] = mapped_column(enum_type(DecisionStatus))
    #: the person accountable for the decision (a name, not an account).
    owner_name: Mapped[str] = mapped_column(sa.String(200))
    #: whether the duty to involve the public (NHS Act 2006, s.14Z45) applies, and why.
    duty_applies: Mapped[bool]
    duty_reason: Mapped[str] = mapped_column(sa.Text)
    #: why no public involvement informed it (required while it has no links).
    no_involvement_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when it went on the public register (None: staff only).
    published_at: Mapped[datetime | None]
    #: when the public page first showed it made with its "we did" (the first measure).
    we_did_published_at: Mapped[datetime | None]

    place: Mapped[Place | None] = relationship()
    links: Mapped[list[DecisionLink]] = relationship(
        foreign_keys="DecisionLink.decision_id",
        order_by="DecisionLink.id",
        cascade="all, delete-orphan",
        back_populates="decision",
    )

    def move_to(self, new_status: DecisionStatus) -> None:
        """Change status; raises IllegalTransition for a move DECISION_STATES does not allow."""
        DECISION_STATES.move_to(self, new_status)

    @property
    def paper_link(self) -> str:
        """The paper's address if it is a web address (nothing else is ever linked)."""
        return web_link(self.paper_url)

    @property
    def is_made(self) -> bool:
        """Whether the decision has been made (made, implemented or reviewed)."""
        return self.status in MADE_STATUSES

    def __repr__(self) -> str:
        return f"<DecisionRecord {self.id} {self.status}>"


class DecisionLink(Base):
    """One piece of involvement behind a decision, what people said and how it was used."""

    __tablename__ = "decision_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    survey_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    earlier_decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    insight_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("insight_findings.id", ondelete="CASCADE"), index=True
    )
    other_kind: Mapped[OtherKind | None] = mapped_column(enum_type(OtherKind))
    other_title: Mapped[str] = mapped_column(sa.String(200), default="")
    other_date: Mapped[date | None] = mapped_column(sa.Date)
    #: an http(s) address of the report or event write-up (checked when saved and shown).
    other_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: what people said, in a sentence or two.
    people_said: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[LinkOutcome] = mapped_column(enum_type(LinkOutcome))
    #: what was done with it, or why not.
    how_used: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[DecisionRecord] = relationship(
        foreign_keys=[decision_id], back_populates="links"
    )
    earlier_decision: Mapped[DecisionRecord | None] = relationship(
        foreign_keys=[earlier_decision_id]
    )
    survey: Mapped[Survey | None] = relationship()
    insight: Mapped[InsightFinding | None] = relationship()

    @property
    def title(self) -> str:
        """What the involvement was called: the survey's, earlier decision's, finding's or typed
        title."""
        if self.kind is LinkKind.SURVEY and self.survey is not None:
            return self.survey.title
        if self.kind is LinkKind.INSIGHT and self.insight is not None:
            return self.insight.title
        if self.kind is LinkKind.DECISION and self.earlier_decision is not None:
            return self.earlier_decision.title
        return self.other_title

    @property
    def other_link(self) -> str:
        """The report's address if it is a web address (nothing else is ever linked)."""
        return web_link(self.other_url)

    @property
    def kind_label(self) -> str:
        """Survey, Earlier decision, or the kind of other involvement."""
        if self.kind is LinkKind.OTHER and self.other_kind is not None:
            return self.other_kind.label
        if self.kind is LinkKind.INSIGHT:
            return N_("Insight library finding")
        return N_("Survey") if self.kind is LinkKind.SURVEY else N_("Earlier decision")

    def __repr__(self) -> str:
        return f"<DecisionLink {self.id} {self.kind} of decision {self.decision_id}>"


class DecisionStatusChange(Base):
    """A decision reaching a status: its public timeline and the audit of who moved it."""

    __tablename__ = "decision_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DecisionStatus] = mapped_column(enum_type(DecisionStatus))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<DecisionStatusChange decision={self.decision_id} {self.status}>"


class DecisionNotice(Base):
    """One person emailed about one status of a decision (so no one is told twice, and the
    "told within 7 days" measure is a recount of these rows)."""

    __tablename__ = "decision_notices"
    __table_args__ = (sa.UniqueConstraint("decision_id", "member_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DecisionStatus] = mapped_column(enum_type(DecisionStatus))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DecisionNotice decision={self.decision_id} member={self.member_id}>"
