"""The committee's insight and assurance report for a period (by default since its last
meeting), in the six sections of an engagement report: summary, what we did, who we heard from,
what they said, what changed, what next. Every figure is counted from the rows when the report
is made, over the places the reader may see; ICB-wide records are kept apart from a place's own,
and every breakdown of people follows the small-number rule, so it can go in the papers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.auth.access import scope_to_places, visible_place_ids
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.places.models import Place
from surveys.assurance import figures
from surveys.assurance.meetings import EARLIEST, LATEST
from surveys.assurance.models import CommitteeMeeting
from surveys.decisions.models import MADE_STATUSES, DecisionRecord, DecisionStatus
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.models import ResultsPage, Survey, SurveyStatus
from surveys.results.published import published_rows, published_total

SECTIONS = (
    "Summary",
    "What we did",
    "Who we heard from",
    "What they said",
    "What changed",
    "What next",
)
#: with no meeting on record, the report covers the two months the committee meets within.
DEFAULT_DAYS = 61
NO_AGE = "Not given"
UPCOMING = (SurveyStatus.IN_REVIEW, SurveyStatus.APPROVED, SurveyStatus.LIVE)


@dataclass(frozen=True)
class Period:
    """The days a report covers, both included, and the meeting it starts from (if any)."""

    start: date
    end: date
    #: the last meeting's date when the period runs from it; None when chosen or unknown.
    since_meeting: date | None = None
    #: True when no meeting is on record and the last two months are shown instead.
    assumed: bool = False


@dataclass(frozen=True)
class Bar:
    """One bar of a chart and its row in the chart's table (count None: hidden, 1 to 7)."""

    label: str
    count: int | None
    share: float | None


@dataclass(frozen=True)
class Exercise:
    """A survey that opened in the period, with the people who answered it."""

    survey_id: int
    title: str
    place: str
    level: str
    opens_at: datetime
    closes_at: datetime | None
    status: str
    respondents: int | str


@dataclass(frozen=True)
class Finding:
    """What people said in one survey, as its published results page puts it."""

    survey_id: int
    title: str
    place: str
    published_at: datetime
    what_you_said: str


@dataclass
class CommitteeReport:
    """Everything the committee report shows."""

    period: Period
    place_names: list[str]  #: the reader's places; empty when they see every place
    dashboard: figures.Assurance
    exercises: list[Exercise]
    levels: list[Bar]
    respondents: int | str
    heard_by_place: list[Bar]
    heard_by_age: list[Bar]
    heard_by_scope: list[Bar]
    findings: list[Finding]
    place_decisions: list[DecisionRecord]
    icb_decisions: list[DecisionRecord]
    proposed_place: list[DecisionRecord]
    proposed_icb: list[DecisionRecord]
    upcoming: list[Survey]
    next_meeting: date | None
    generated_at: datetime
    sections: tuple[str, ...] = SECTIONS

    @property
    def scoped(self) -> bool:
        """Whether this is a place's version of the report."""
        return bool(self.place_names)


def default_period(session: Session, today: date) -> Period:
    """Since the committee's last meeting before today (or the last two months, said so)."""
    last = session.scalar(
        sa.select(sa.func.max(CommitteeMeeting.held_on)).where(CommitteeMeeting.held_on < today)
    )
    if last is None:
        return Period(today - timedelta(days=DEFAULT_DAYS), today, assumed=True)
    return Period(last, today, since_meeting=last)


def chosen_period(
    session: Session, today: date, start: date | None = None, end: date | None = None
) -> Period:
    """The period a reader chose (a blank start: the last meeting; a blank end: today); raises
    FieldError (field start or end) for a start after the end or a year outside 2000 to 2100."""
    default = default_period(session, today)
    if start is None and end is None:
        return default
    start, end = start or default.start, end or today
    for name, day in (("start", start), ("end", end)):
        if not EARLIEST <= day <= LATEST:
            raise FieldError("Enter a date between 2000 and 2100", field=name)
    if start > end:
        raise FieldError("The start date must be on or before the end date", field="start")
    return Period(start, end)


def meetings(session: Session) -> list[CommitteeMeeting]:
    """Every meeting on record, latest first."""
    return list(
        session.scalars(sa.select(CommitteeMeeting).order_by(CommitteeMeeting.held_on.desc()))
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _bars(counts: list[tuple[str, int]]) -> list[Bar]:
    """Counts of people as bars, with the small-number rule applied to the counts and shares."""
    total = sum(n for _label, n in counts)
    rows = published_rows([{"label": label, "n": n, "share": n / total} for label, n in counts])
    return [
        Bar(r["label"], r["n"] if r["n"] != "*" else None, r["share"] if r["n"] != "*" else None)
        for r in rows
    ]


def _count_bars(counts: list[tuple[str, int]]) -> list[Bar]:
    """Counts of records (not people) as bars: nothing to hide."""
    total = sum(n for _label, n in counts)
    return [Bar(label, n, n / total if total else None) for label, n in counts]


def _heard_from(session, user, names, start, end):
    """Submitted answers in the period: by the answerer's place, age band and survey's reach."""
    places = visible_place_ids(user)
    statement = (
        sa.select(
            SurveyResponse.place_id, SurveyResponse.age_band, Survey.place_id, sa.func.count()
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(
            SurveyResponse.status == ResponseStatus.SUBMITTED,
            SurveyResponse.submitted_at >= start,
            SurveyResponse.submitted_at < end,
        )
        .group_by(SurveyResponse.place_id, SurveyResponse.age_band, Survey.place_id)
    )
    if places is not None:
        # A place's version: people living there, answering its own or ICB-wide surveys.
        statement = statement.where(
            SurveyResponse.place_id.in_(sorted(places)),
            sa.or_(Survey.place_id.is_(None), Survey.place_id.in_(sorted(places))),
        )
    by_place, by_age, by_scope = Counter(), Counter(), Counter()
    for home, age, survey_place, n in session.execute(statement):
        by_place[names.get(home, "Place not known")] += n
        by_age[age or NO_AGE] += n
        by_scope[
            f"{names[survey_place]} surveys" if survey_place in names else "ICB-wide surveys"
        ] += n
    total = sum(by_place.values())
    return (
        published_total(total),
        _bars(sorted(by_place.items())),
        _bars(sorted(by_age.items(), key=lambda item: (item[0] == NO_AGE, item[0]))),
        _bars(sorted(by_scope.items(), key=lambda item: (item[0] == "ICB-wide surveys", item))),
    )


def _exercises(session, user, names, start, end) -> list[Exercise]:
    surveys = list(
        session.scalars(
            scope_to_places(sa.select(Survey), user, Survey.place_id)
            .where(
                Survey.status.in_((SurveyStatus.LIVE, SurveyStatus.CLOSED)),
                Survey.opens_at >= start,
                Survey.opens_at < end,
            )
            .order_by(Survey.opens_at, Survey.id)
        )
    )
    answered = dict(
        session.execute(
            sa.select(SurveyResponse.survey_id, sa.func.count())
            .where(
                SurveyResponse.status == ResponseStatus.SUBMITTED,
                SurveyResponse.survey_id.in_([s.id for s in surveys]),
            )
            .group_by(SurveyResponse.survey_id)
        ).all()
    )
    return [
        Exercise(
            s.id,
            s.title,
            names.get(s.place_id, figures.NO_PLACE),
            s.involvement.value.capitalize(),
            s.opens_at,
            s.closed_at or s.closes_at,
            s.status.label,
            published_total(answered.get(s.id, 0)),
        )
        for s in surveys
    ]


def _findings(session, user, names, start, end) -> list[Finding]:
    rows = session.execute(
        scope_to_places(
            sa.select(Survey, ResultsPage).join(ResultsPage, ResultsPage.survey_id == Survey.id),
            user,
            Survey.place_id,
        )
        .where(ResultsPage.published_at >= start, ResultsPage.published_at < end)
        .order_by(ResultsPage.published_at, Survey.id)
    ).all()
    return [
        Finding(
            s.id,
            s.title,
            names.get(s.place_id, figures.NO_PLACE),
            page.published_at,
            page.what_you_said,
        )
        for s, page in rows
    ]


def _decisions(session, user, where) -> tuple[list[DecisionRecord], list[DecisionRecord]]:
    """Decisions matching ``where``: the reader's places' own, and the ICB-wide ones apart."""
    statement = (
        sa.select(DecisionRecord)
        .where(*where)
        .options(selectinload(DecisionRecord.links), selectinload(DecisionRecord.place))
        .order_by(DecisionRecord.decided_on, DecisionRecord.id)
    )
    places = visible_place_ids(user)
    own = statement.where(DecisionRecord.place_id.is_not(None))
    if places is not None:
        own = own.where(DecisionRecord.place_id.in_(sorted(places)))
    icb = statement.where(DecisionRecord.place_id.is_(None))
    return list(session.scalars(own)), list(session.scalars(icb))


def committee_report(
    session: Session, user: StaffUser, period: Period, now: datetime
) -> CommitteeReport:
    """Gather the committee report for ``period`` over the places the user may see."""
    start, end = _start_of(period.start), _start_of(period.end + timedelta(days=1))
    names = dict(session.execute(sa.select(Place.id, Place.name)).all())
    places = visible_place_ids(user)
    dashboard = figures.assurance(
        session, user, min(end - timedelta(microseconds=1), now), start=start
    )
    heard = _heard_from(session, user, names, start, end)
    place_made, icb_made = _decisions(
        session,
        user,
        [
            DecisionRecord.status.in_(sorted(MADE_STATUSES)),
            DecisionRecord.decided_on >= period.start,
            DecisionRecord.decided_on <= period.end,
        ],
    )
    place_proposed, icb_proposed = _decisions(
        session, user, [DecisionRecord.status == DecisionStatus.PROPOSED]
    )
    upcoming = list(
        session.scalars(
            scope_to_places(sa.select(Survey), user, Survey.place_id)
            .where(
                Survey.status.in_(UPCOMING),
                sa.or_(Survey.opens_at.is_(None), Survey.opens_at >= end, Survey.closes_at >= end),
            )
            .order_by(Survey.opens_at, Survey.id)
        )
    )
    return CommitteeReport(
        period=period,
        place_names=sorted(names[p] for p in places) if places is not None else [],
        dashboard=dashboard,
        exercises=_exercises(session, user, names, start, end),
        levels=_count_bars(dashboard.by_level),
        respondents=heard[0],
        heard_by_place=heard[1],
        heard_by_age=heard[2],
        heard_by_scope=heard[3],
        findings=_findings(session, user, names, start, end),
        place_decisions=place_made,
        icb_decisions=icb_made,
        proposed_place=place_proposed,
        proposed_icb=icb_proposed,
        upcoming=upcoming,
        next_meeting=session.scalar(
            sa.select(sa.func.min(CommitteeMeeting.held_on)).where(
                CommitteeMeeting.held_on > period.end
            )
        ),
        generated_at=now,
    )
