"""The assurance dashboard's figures, each recounted from the rows whenever the page is read
(panel size against the 4,000 ambition, the worst representativeness gaps, exercises run by
involvement level and place, results published and how fast, decisions with involvement
evidence). A figure that cannot be worked out is None, never 0."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places, visible_place_ids
from panel.auth.models import StaffUser
from panel.members.models import Member, MemberStatus
from panel.places.models import Place
from panel.segments.services.representativeness import PANEL_TARGET, representativeness
from surveys.assurance.period import Period, make_period
from surveys.decisions.models import DecisionLink, DecisionRecord, DecisionStatus
from surveys.models import GuidanceOverride, ResultsPage, Survey, SurveyStatus

PERIOD_DAYS = 365
WORST_GAPS = 5
NO_PLACE = "ICB-wide"


@dataclass(frozen=True)
class PlaceSize:
    """Active members of one place against its share of the ambition."""

    name: str
    members: int
    target: int


@dataclass(frozen=True)
class Gap:
    """A group under-represented on the panel: its share of the panel over its population's."""

    area: str
    dimension: str
    group: str
    ratio: float


@dataclass(frozen=True)
class Assurance:
    """Every figure on the dashboard for one period."""

    start: date
    end: date
    #: the period's name on the page ("the financial year 2026 to 2027").
    label: str
    members: int
    target: int
    by_place: list[PlaceSize]
    gaps: list[Gap]
    #: surveys opened in the period, by involvement level and by place.
    exercises: int
    by_level: list[tuple[str, int]]
    exercises_by_place: list[tuple[str, int]]
    #: of the surveys opened, those that went ahead despite a checker error (with a written
    #: reason), and how many such overrides there were.
    with_overrides: int
    overrides: int
    share_without_override: float | None
    #: surveys closed in the period, and those whose results page is public.
    closed: int
    published: int
    share_published: float | None
    median_weeks_to_publish: float | None
    #: decisions made in the period, and those with involvement evidence.
    decisions: int
    decisions_with_evidence: int
    share_with_evidence: float | None


def _place_names(session: Session) -> dict[int, str]:
    return dict(session.execute(sa.select(Place.id, Place.name)).all())


def _panel(session: Session, user: StaffUser) -> tuple[int, int, list[PlaceSize]]:
    places = list(
        session.scalars(scope_to_places(sa.select(Place).order_by(Place.name), user, Place.id))
    )
    counts = dict(
        session.execute(
            scope_to_places(
                sa.select(Member.place_id, sa.func.count(Member.id))
                .where(Member.status == MemberStatus.ACTIVE)
                .group_by(Member.place_id),
                user,
                Member.place_id,
            )
        ).all()
    )
    everyone = session.scalar(sa.select(sa.func.sum(Place.population))) or 0
    rows = [
        PlaceSize(
            p.name,
            counts.get(p.id, 0),
            round(PANEL_TARGET * (p.population or 0) / everyone) if everyone else 0,
        )
        for p in places
    ]
    if visible_place_ids(user) is None:
        return sum(counts.values()), PANEL_TARGET, rows
    return sum(r.members for r in rows), sum(r.target for r in rows), rows


def _gaps(session: Session, user: StaffUser) -> list[Gap]:
    found = [
        Gap(area.name, dimension.label, row.label, row.ratio)
        for area in representativeness(session, user)
        for dimension in area.dimensions
        for row in dimension.rows
        if row.under_represented and not row.hidden and row.ratio is not None
    ]
    return sorted(found, key=lambda gap: (gap.ratio, gap.area, gap.dimension))[:WORST_GAPS]


def last_year(now: datetime, start: datetime | None = None) -> Period:
    """The 365 days to now (or from ``start`` to now), now included."""
    label = "the last 12 months" if start is None else f"since {start:%-d %B %Y}"
    start = start or now - timedelta(days=PERIOD_DAYS)
    period = make_period(start.date(), now.date(), label, now)
    return Period(period.first_day, period.last_day, period.label, start, period.end_at)


def assurance(
    session: Session,
    user: StaffUser,
    now: datetime,
    period: Period | None = None,
    start: datetime | None = None,
) -> Assurance:
    """The dashboard for the period (else from ``start``, else the year, to ``now``), over the
    places the user may see."""
    period = period or last_year(now, start)
    names = _place_names(session)
    members, target, by_place = _panel(session, user)
    surveys = list(session.scalars(scope_to_places(sa.select(Survey), user, Survey.place_id)))
    ran = [
        s
        for s in surveys
        if s.status in (SurveyStatus.LIVE, SurveyStatus.CLOSED)
        and s.opens_at is not None
        and s.opens_at in period
    ]
    levels = Counter(s.involvement.value.capitalize() for s in ran)
    overridden = Counter(
        session.scalars(
            sa.select(GuidanceOverride.survey_id).where(
                GuidanceOverride.survey_id.in_([s.id for s in ran])
            )
        )
    )
    places = Counter(names.get(s.place_id, NO_PLACE) for s in ran)
    closed = [
        s
        for s in surveys
        if s.status is SurveyStatus.CLOSED
        and (s.closed_at or s.closes_at) is not None
        and (s.closed_at or s.closes_at) in period
    ]
    published_at = dict(
        session.execute(
            sa.select(ResultsPage.survey_id, ResultsPage.published_at).where(
                ResultsPage.survey_id.in_([s.id for s in closed]),
                ResultsPage.published_at.is_not(None),
            )
        ).all()
    )
    weeks = [
        (published_at[s.id] - (s.closed_at or s.closes_at)).total_seconds() / (7 * 86400)
        for s in closed
        if s.id in published_at
    ]
    decisions = list(
        session.scalars(
            scope_to_places(sa.select(DecisionRecord), user, DecisionRecord.place_id).where(
                DecisionRecord.status != DecisionStatus.PROPOSED,
                DecisionRecord.decided_on >= period.first_day,
                DecisionRecord.decided_on <= min(period.last_day, period.end_at.date()),
            )
        )
    )
    with_links = set(
        session.scalars(
            sa.select(DecisionLink.decision_id).where(
                DecisionLink.decision_id.in_([d.id for d in decisions])
            )
        )
    )
    return Assurance(
        start=period.first_day,
        end=period.last_day,
        label=period.label,
        members=members,
        target=target,
        by_place=by_place,
        gaps=_gaps(session, user),
        exercises=len(ran),
        by_level=sorted(levels.items(), key=lambda item: (-item[1], item[0])),
        exercises_by_place=sorted(places.items(), key=lambda item: (-item[1], item[0])),
        with_overrides=len(overridden),
        overrides=sum(overridden.values()),
        share_without_override=(len(ran) - len(overridden)) / len(ran) if ran else None,
        closed=len(closed),
        published=len(weeks),
        share_published=len(weeks) / len(closed) if closed else None,
        median_weeks_to_publish=round(statistics.median(weeks), 1) if weeks else None,
        decisions=len(decisions),
        decisions_with_evidence=len(with_links),
        share_with_evidence=len(with_links) / len(decisions) if decisions else None,
    )
