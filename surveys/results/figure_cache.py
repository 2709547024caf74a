"""Published figures kept between requests: counting a survey's 100,000 answer codes takes a
few hundred milliseconds, while the figures change only when its sent responses, its questions,
its page's featured questions or a place's name change. Database triggers (migration
0039_open_data) give the survey a new mark (surveys.results.models.FigureVersion) on every such
change, whoever makes it (a submit, an edit, an erasure, a bulk job, plain SQL); the figures
kept here are used only while the mark they were counted under is still the survey's mark. So a
figure read from here always equals a recount (quality bar 24), and nothing is written on a read.

The mark is read before counting: a change that lands while figures are being counted leaves
them under the older mark, so the next read counts again."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app
from sqlalchemy.orm import Session

from surveys.models import Survey
from surveys.results import public
from surveys.results.models import FigureVersion, ResultsPage

#: surveys' figures kept per process; past this the store starts again.
MAX_SURVEYS = 256


def _store() -> dict:
    # Per application (and so per worker process, and per test's app): never module-wide.
    return current_app.extensions.setdefault("published_figures", {})


def figure_mark(session: Session, survey: Survey) -> int | None:
    """The survey's current mark (None: nothing counted has changed since before marks)."""
    return session.scalar(
        sa.select(FigureVersion.version).where(FigureVersion.survey_id == survey.id)
    )


def published_with_mark(
    session: Session, survey_id: int
) -> tuple[Survey, ResultsPage, int | None] | None:
    """A survey with published results, its page and its mark, in one query (its questions are
    read only if its figures must be counted again); None if nothing is published."""
    row = session.execute(
        sa.select(Survey, ResultsPage, FigureVersion.version)
        .join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .outerjoin(FigureVersion, FigureVersion.survey_id == Survey.id)
        .options(sa.orm.defer(Survey.content), sa.orm.joinedload(Survey.place))
        .where(Survey.id == survey_id, ResultsPage.published_at.is_not(None))
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def public_figures(
    session: Session,
    survey: Survey,
    page: ResultsPage | None,
    every_question: bool = False,
    mark: int | None | object = ...,
) -> public.PublicFigures:
    """surveys.results.public.public_figures, counted again only when something they depend on
    changed (``mark``: the survey's mark if just read with it, see published_with_mark).
    Callers must not change the object returned. Raises what public_figures raises."""
    featured = tuple(page.featured_questions or ()) if page is not None else ()
    if mark is ...:
        mark = figure_mark(session, survey)
    key = (mark, featured, current_app.config.get("SMALL_NUMBER_MAX"))
    store = _store()
    kept = store.get((survey.id, every_question))
    if kept is not None and kept[0] == key:
        return kept[1]
    figures = public.public_figures(session, survey, page, every_question=every_question)
    if len(store) >= MAX_SURVEYS:
        store.clear()
    store[(survey.id, every_question)] = (key, figures)
    return figures
