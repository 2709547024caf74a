"""What the public pages show: the "Our engagement" index and each survey's results page, with
small numbers hidden (NHS Digital's rule) in every breakdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import Place
from surveys.fieldwork.models import OpenLink
from surveys.models import AudienceKind, Survey, SurveyStatus
from surveys.results import figures
from surveys.results.models import ResultsPage
from surveys.results.published import (
    PublishedQuestion,
    published_question,
    published_rows,
    published_total,
)


@dataclass
class IndexFilters:
    """The public results list's filters: place, topic and year."""

    place_id: int | None = None
    topic: str = ""
    year: int | None = None


def open_opportunities(session: Session, now: datetime) -> list[tuple[Survey, str]]:
    """Live surveys anyone may join, each with its first open link's code."""
    first_link = (
        sa.select(OpenLink.survey_id, sa.func.min(OpenLink.id).label("link_id"))
        .group_by(OpenLink.survey_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Survey, OpenLink.code)
        .join(first_link, first_link.c.survey_id == Survey.id)
        .join(OpenLink, OpenLink.id == first_link.c.link_id)
        .where(
            Survey.status == SurveyStatus.LIVE,
            Survey.audience == AudienceKind.PUBLIC,
            Survey.opens_at <= now,
            Survey.closes_at > now,
        )
        .order_by(Survey.closes_at)
    ).all()
    return [(survey, code) for survey, code in rows]


def published_results(session: Session, filters: IndexFilters) -> list[tuple[Survey, ResultsPage]]:
    """Published results pages with their surveys, matching the filters, newest first."""
    query = (
        sa.select(Survey, ResultsPage)
        .join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(ResultsPage.published_at.is_not(None))
        .order_by(Survey.closed_at.desc(), Survey.id.desc())
    )
    if filters.place_id is not None:
        # ICB-wide surveys concern every place.
        query = query.where(sa.or_(Survey.place_id == filters.place_id, Survey.place_id.is_(None)))
    if filters.topic:
        query = query.where(ResultsPage.topic == filters.topic)
    rows = session.execute(query).all()
    if filters.year:
        rows = [row for row in rows if (row[0].closed_at or row[0].closes_at).year == filters.year]
    return [(survey, page) for survey, page in rows]


def years(session: Session) -> list[int]:
    """The years in which surveys with published results closed, newest first."""
    closed = session.scalars(
        sa.select(Survey.closed_at)
        .join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(ResultsPage.published_at.is_not(None), Survey.closed_at.is_not(None))
    )
    return sorted({at.year for at in closed}, reverse=True)


def places(session: Session) -> list[Place]:
    """Every place, by name."""
    return list(session.scalars(sa.select(Place).order_by(Place.name)))


@dataclass
class PublicFigures:
    """The figures a public results page shows, small numbers hidden."""

    respondents: int | str
    by_place: list[dict]  # {"name", "n"}
    questions: list[PublishedQuestion]
    #: how many answered by each channel (all channels are pooled in the figures): {"label", "n"}
    by_channel: list[dict] = field(default_factory=list)


def public_figures(
    session: Session, survey: Survey, page: ResultsPage | None, every_question: bool = False
) -> PublicFigures:
    """Figures safe to publish: the page's featured questions (or every closed question)."""
    everyone = figures.ResultFilters()
    total = figures.respondents(session, survey, everyone)
    place_dimension = figures.dimensions(session)["place"]
    people = sa.func.count(figures.SurveyResponse.id)
    rows = session.execute(
        sa.select(figures.SurveyResponse.place_id, people)
        .where(*figures.submitted_responses(survey, everyone))
        .group_by(figures.SurveyResponse.place_id)
    ).all()
    by_place = published_rows(
        [{"name": place_dimension.label_of(place_id), "n": n} for place_id, n in rows]
    )
    by_place.sort(key=lambda row: row["name"])
    featured = set(page.featured_questions or []) if page is not None else set()
    questions = [
        published_question(result)
        for result in figures.question_results(session, survey, everyone)
        if result.is_closed and (result.key in featured or every_question)
    ]
    by_channel = published_rows(figures.channel_counts(session, survey, everyone))
    return PublicFigures(published_total(total), by_place, questions, by_channel)
