"""What the public pages show: the "Our engagement" index and each survey's results page, with
small numbers hidden (NHS Digital's rule) in every breakdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.disclosure import HIDDEN, suppress_small, suppress_table
from panel.places.models import Place
from surveys.fieldwork.models import OpenLink
from surveys.models import AudienceKind, Survey, SurveyStatus
from surveys.results import figures
from surveys.results.models import ResultsPage


def small_number_max() -> int:
    return current_app.config.get("SMALL_NUMBER_MAX", 7)


@dataclass
class IndexFilters:
    place_id: int | None = None
    topic: str = ""
    year: int | None = None


def open_opportunities(session: Session, now: datetime) -> list[tuple[Survey, str]]:
    """Live surveys anyone may join, each with its first open link's code."""
    first_link = (
        sa.select(OpenLink.survey_id, sa.func.min(OpenLink.id).label("link_id"))
        .group_by(OpenLink.survey_id).subquery()
    )  # fmt: skip
    rows = session.execute(
        sa.select(Survey, OpenLink.code)
        .join(first_link, first_link.c.survey_id == Survey.id)
        .join(OpenLink, OpenLink.id == first_link.c.link_id)
        .where(Survey.status == SurveyStatus.LIVE, Survey.audience == AudienceKind.PUBLIC,
               Survey.opens_at <= now, Survey.closes_at > now)
        .order_by(Survey.closes_at)
    ).all()  # fmt: skip
    return [(survey, code) for survey, code in rows]


def published_results(session: Session, filters: IndexFilters) -> list[tuple[Survey, ResultsPage]]:
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
    closed = session.scalars(
        sa.select(Survey.closed_at).join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(ResultsPage.published_at.is_not(None), Survey.closed_at.is_not(None))
    )  # fmt: skip
    return sorted({at.year for at in closed}, reverse=True)


def places(session: Session) -> list[Place]:
    return list(session.scalars(sa.select(Place).order_by(Place.name)))


@dataclass
class PublicQuestion:
    text: str
    answered: int | str
    #: (label, count or HIDDEN, share or None)
    options: list[tuple[str, int | str, float | None]]
    multiple: bool


@dataclass
class PublicFigures:
    respondents: int | str
    by_place: list[dict]  # {"name", "n"}
    questions: list[PublicQuestion]


def public_figures(
    session: Session, survey: Survey, page: ResultsPage | None, every_question: bool = False
) -> PublicFigures:
    """Figures safe to publish: the page's featured questions (or every closed question)."""
    limit = small_number_max()
    everyone = figures.ResultFilters()
    total = figures.respondents(session, survey, everyone)
    place_dimension = figures.dimensions(session)["place"]
    people = sa.func.count(figures.SurveyResponse.id)
    rows = session.execute(
        sa.select(figures.SurveyResponse.place_id, people)
        .where(*figures.submitted_responses(survey, everyone))
        .group_by(figures.SurveyResponse.place_id)
    ).all()  # fmt: skip
    by_place = suppress_small(
        [{"name": place_dimension.label_of(place_id), "n": n} for place_id, n in rows],
        ["n"], limit,
    )  # fmt: skip
    by_place.sort(key=lambda row: row["name"])
    featured = set(page.featured_questions or []) if page is not None else set()
    questions = []
    for result in figures.question_results(session, survey, everyone):
        if not result.is_closed or (result.key not in featured and not every_question):
            continue
        cells, totals = suppress_table([[o.count] for o in result.options], [result.answered],
                                       limit)  # fmt: skip
        options = [
            (option.label, cell[0], option.share if cell[0] != HIDDEN else None)
            for option, cell in zip(result.options, cells, strict=True)
        ]
        questions.append(PublicQuestion(result.question["text"], totals[0], options,
                                        result.multiple))  # fmt: skip
    shown_total = HIDDEN if 1 <= total <= limit else total
    return PublicFigures(shown_total, by_place, questions)
