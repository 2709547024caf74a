"""Closing the loop: a survey's public results page, its "you said, we did" decisions, and the
comments staff chose to quote (redacted)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from panel.database import Base, enum_type, utcnow
from panel.i18n import N_

# The results page lives with the survey (surveys.models) so that fieldwork can ask whether a
# survey's results are public without importing results; it is known here too.
from surveys.models import ResultsPage as ResultsPage


class Outcome(StrEnum):
    """What became of what people said: did, doing, or did not."""

    DID = "did"
    DOING = "doing"
    DID_NOT = "did_not"

    @property
    def label(self) -> str:
        # Translated where a resident page shows it.
        return {
            "did": N_("We did"),
            "doing": N_("We are doing"),
            "did_not": N_("We did not, because"),
        }[self.value]


class Decision(Base):
    """One "you said, we did" entry: added over time as decisions are made."""

    __tablename__ = "survey_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    you_said: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome))
    #: what was done (or is being done); for "did not", why not.
    action: Mapped[str] = mapped_column(sa.Text)
    decided_on: Mapped[date] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when the participants were emailed about it (None until the results page is public).
    announced_at: Mapped[datetime | None]
    #: when it was last changed after being written (its earlier wording: DecisionChange).
    updated_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.outcome}>"


class DecisionChange(Base):
    """A decision as it read before one change: the history shown under "updated on"."""

    __tablename__ = "survey_decision_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_decisions.id", ondelete="CASCADE"), index=True
    )
    #: the wording before the change.
    you_said: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome))
    action: Mapped[str] = mapped_column(sa.Text)
    decided_on: Mapped[date] = mapped_column(sa.Date)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<DecisionChange {self.id} of decision {self.decision_id}>"


class Quote(Base):
    """A comment staff chose for the public page, redacted of contact details when chosen."""

    __tablename__ = "survey_quotes"
    __table_args__ = (sa.UniqueConstraint("survey_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    #: the comment it came from (null if the answer is later erased; the redacted text stays).
    answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_answers.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(sa.Text)
    chosen_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Quote {self.id}>"


class Theme(Base):
    """A theme in the comments: suggested by the computer or made by staff; only confirmed
    themes go into reports."""

    __tablename__ = "survey_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    suggested: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Theme {self.name!r}>"


class ThemeCoding(Base):
    """One comment (a part of an answer) coded to a theme."""

    __tablename__ = "survey_theme_codings"
    __table_args__ = (sa.UniqueConstraint("theme_id", "answer_id", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_themes.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_answers.id", ondelete="CASCADE"), index=True
    )
    #: "answer", "other" or "comment" (which of the answer's texts).
    part: Mapped[str] = mapped_column(sa.String(10))
    #: how strongly the suggestion placed it here (None when coded by hand).
    score: Mapped[float | None]

    def __repr__(self) -> str:
        return f"<ThemeCoding theme={self.theme_id} answer={self.answer_id}>"


class FigureVersion(Base):
    """A mark that changes whenever anything a survey's published figures are counted from
    changes (its sent responses, its questions, a place's name). Database triggers (migration
    0039_open_data) set it, so every writer is covered, Core statements and bulk jobs too; the
    figure cache (surveys.results.figure_cache) keeps figures only while the mark is unchanged."""

    __tablename__ = "figure_versions"

    survey_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: a random number, never a counter: a rolled-back change cannot bring an old mark back.
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)

    def __repr__(self) -> str:
        return f"<FigureVersion survey={self.survey_id} {self.version}>"
