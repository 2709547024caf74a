"""The figures of a financial year's involvement section, counted from the rows: decisions made
and those with involvement evidence, exercises run by involvement level and place, people heard
from, and examples of what changed. Only reads."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.field_errors import FieldError
from panel.places.models import Place
from surveys.decisions.models import MADE_STATUSES, DecisionLink, DecisionRecord, LinkOutcome
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.insights.models import InsightFinding, SourceKind
from surveys.models import ResultsPage, Survey, SurveyStatus

#: the years the section can be written for (the ICBs began in July 2022).
FIRST_YEAR, LAST_YEAR = 2022, 2100
ICB_WIDE = "ICB-wide"
#: how many examples of what changed the draft gives.
EXAMPLES = 5
_YEAR = re.compile(r"\s*(\d{4})(?:\s*(?:/|-|to)\s*(\d{2}|\d{4}))?\s*")


class YearError(FieldError):
    """Not a financial year the section can be written for; the message says why."""

    field = "year"


@dataclass(frozen=True)
class FinancialYear:
    """A UK financial year: 1 April to 31 March."""

    start_year: int

    @property
    def start(self) -> date:
        """1 April of the first year."""
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """31 March of the next year."""
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """For example 2025/26."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def instants(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The year's first instant and the first instant after it, in UTC."""
        first = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(date(self.start_year + 1, 4, 1), time(), zone).astimezone(UTC)
        return first, after


def financial_year(start_year: int, today: date) -> FinancialYear:
    """The financial year starting in ``start_year``; raises YearError for one out of range or
    not started by ``today``."""
    if not FIRST_YEAR <= start_year <= LAST_YEAR:
        raise YearError(f"Choose a financial year from {FIRST_YEAR}/{(FIRST_YEAR + 1) % 100}")
    year = FinancialYear(start_year)
    if year.start > today:
        raise YearError(f"The {year.label} financial year has not started yet")
    return year


def parse_year(text: str, today: date) -> FinancialYear:
    """A financial year typed as 2025, 2025/26, 2025-26 or 2025 to 2026; raises YearError."""
    match = _YEAR.fullmatch(text or "")
    if match is None:
        raise YearError("Enter a financial year like 2025/26")
    first, second = int(match[1]), match[2]
    if second is not None and int(second) % 100 != (first + 1) % 100:
        raise YearError("A financial year runs from April to the next March, like 2025/26")
    if second is not None and len(second) == 4 and int(second) != first + 1:
        raise YearError("A financial year runs from April to the next March, like 2025/26")
    return financial_year(first, today)


def current_year(today: date) -> FinancialYear:
    """The financial year ``today`` is in."""
    return FinancialYear(today.year if today.month >= 4 else today.year - 1)


@dataclass
class ChangeExample:
    """One thing that changed because of what people said."""

    decision_id: int
    decision_title: str
    decided_on: str
    involvement: str
    people_said: str
    we_did: str
    #: a survey whose "You said, we did" page is public, else None.
    survey_id: int | None = None


@dataclass
class AnnualFigures:
    """Everything the section states, as counted."""

    year_label: str
    start: str
    end: str
    decisions_made: int
    decisions_with_involvement: int
    decisions_duty_applied: int
    duty_applied_without_involvement: int
    decisions_published: int
    surveys_run: int
    events_run: int
    #: [label, count] pairs, most first.
    by_level: list[list] = field(default_factory=list)
    by_place: list[list] = field(default_factory=list)
    survey_responses: int = 0
    people_at_events: int = 0
    events_without_numbers: int = 0
    partner_reports: int = 0
    results_published: int = 0
    examples: list[ChangeExample] = field(default_factory=list)

    @property
    def exercises(self) -> int:
        """Surveys, events and focus groups run in the year."""
        return self.surveys_run + self.events_run


def _pairs(counter: Counter) -> list[list]:
    return [[label, count] for label, count in sorted(counter.items(), key=lambda i: (-i[1], i[0]))]


def _decisions(session: Session, year: FinancialYear) -> list[DecisionRecord]:
    query = (
        sa.select(DecisionRecord)
        .options(selectinload(DecisionRecord.links).selectinload(DecisionLink.insight))
        .where(
            DecisionRecord.status.in_(sorted(MADE_STATUSES)),
            DecisionRecord.decided_on >= year.start,
            DecisionRecord.decided_on <= year.end,
        )
        .order_by(DecisionRecord.decided_on, DecisionRecord.id)
    )
    return list(session.scalars(query))


def _examples(session: Session, decisions: list[DecisionRecord]) -> list[ChangeExample]:
    public = [d for d in decisions if d.published_at is not None]
    survey_ids = {link.survey_id for d in public for link in d.links if link.survey_id}
    with_pages = set(
        session.scalars(
            sa.select(ResultsPage.survey_id).where(
                ResultsPage.survey_id.in_(sorted(survey_ids)), ResultsPage.published_at.is_not(None)
            )
        )
    )
    examples = []
    for decision in sorted(public, key=lambda d: (d.decided_on, d.id), reverse=True):
        link = next((k for k in decision.links if k.outcome is LinkOutcome.DID), None)
        if link is None:
            continue
        examples.append(
            ChangeExample(
                decision_id=decision.id,
                decision_title=decision.title,
                decided_on=f"{decision.decided_on.day} {decision.decided_on:%B %Y}",
                involvement=f"{link.kind_label}: {link.title}",
                people_said=link.people_said,
                we_did=link.how_used,
                survey_id=link.survey_id if link.survey_id in with_pages else None,
            )
        )
    return examples[:EXAMPLES]


def annual_figures(session: Session, year: FinancialYear, zone: ZoneInfo) -> AnnualFigures:
    """The section's figures for the year, over every place (the annual report is the ICB's)."""
    first, after = year.instants(zone)
    names = dict(session.execute(sa.select(Place.id, Place.name)).all())
    decisions = _decisions(session, year)
    surveys = list(
        session.scalars(
            sa.select(Survey).where(
                Survey.status.in_([SurveyStatus.LIVE, SurveyStatus.CLOSED]),
                Survey.opens_at >= first,
                Survey.opens_at < after,
            )
        )
    )
    findings = list(
        session.scalars(
            sa.select(InsightFinding).where(
                InsightFinding.heard_on >= year.start, InsightFinding.heard_on <= year.end
            )
        )
    )
    events = [f for f in findings if f.source_kind in (SourceKind.EVENT, SourceKind.FOCUS_GROUP)]
    levels = Counter(s.involvement.value.capitalize() for s in surveys)
    levels.update(
        e.involvement.value.capitalize() if e.involvement else "Not recorded" for e in events
    )
    places = Counter(names.get(s.place_id, ICB_WIDE) for s in surveys)
    places.update(names.get(e.place_id, ICB_WIDE) for e in events)
    responses = session.scalar(
        sa.select(sa.func.count(SurveyResponse.id)).where(
            SurveyResponse.status == ResponseStatus.SUBMITTED,
            SurveyResponse.submitted_at >= first,
            SurveyResponse.submitted_at < after,
        )
    )
    results = session.scalar(
        sa.select(sa.func.count(ResultsPage.id)).where(
            ResultsPage.published_at >= first, ResultsPage.published_at < after
        )
    )
    involved = [d for d in decisions if d.links]
    return AnnualFigures(
        year_label=year.label,
        start=year.start.isoformat(),
        end=year.end.isoformat(),
        decisions_made=len(decisions),
        decisions_with_involvement=len(involved),
        decisions_duty_applied=sum(1 for d in decisions if d.duty_applies),
        duty_applied_without_involvement=sum(
            1 for d in decisions if d.duty_applies and not d.links
        ),
        decisions_published=sum(1 for d in decisions if d.published_at is not None),
        surveys_run=len(surveys),
        events_run=len(events),
        by_level=_pairs(levels),
        by_place=_pairs(places),
        survey_responses=responses or 0,
        people_at_events=sum(e.people_heard or 0 for e in events),
        events_without_numbers=sum(1 for e in events if e.people_heard is None),
        partner_reports=sum(1 for f in findings if f.source_kind is SourceKind.PARTNER_REPORT),
        results_published=results or 0,
        examples=_examples(session, decisions),
    )


def as_record(figures: AnnualFigures) -> dict:
    """The figures as plain JSON values (kept with a draft)."""
    return asdict(figures)


def fingerprint(figures: AnnualFigures) -> str:
    """SHA-256 of the figures: equal fingerprints, equal figures."""
    text = json.dumps(as_record(figures), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()
