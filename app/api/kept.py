"""The published-results answer kept as JSON text: dumping 16 questions through marshmallow
costs more than everything else in the call, and the text is a pure function of the survey's
summary and its figures object, which surveys.results.figure_cache renews whenever a figure
could change. So the text is reused only while both are the same.

Before anything is loaded, one plain row is read: every column the answer depends on (the
summary's fields, the page's featured questions, the retention date and the survey's figure
mark, which database triggers change whenever a counted figure could change). While that row
is what it was when the text was made, the text is answered as it is, with no survey, page or
place objects built; any difference, or none kept, takes the full path below."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, request
from sqlalchemy.orm import Session

from app.api import shapes
from app.api.schemas import ResultsSchema
from panel.places.models import Place
from surveys.models import Survey
from surveys.results import figure_cache
from surveys.results.figures import removed_notice
from surveys.results.models import FigureVersion, ResultsPage

#: surveys' answers kept per process; past this the store starts again.
MAX_SURVEYS = 256


#: built once: a statement made afresh on each call costs more than running it.
_ANSWER_STATE = (
    sa.select(
        Survey.title,
        Survey.closed_at,
        Survey.responses_removed_at,
        Place.name,
        ResultsPage.topic,
        ResultsPage.published_at,
        ResultsPage.featured_questions,
        FigureVersion.version,
    )
    .join(ResultsPage, ResultsPage.survey_id == Survey.id)
    .outerjoin(Place, Place.id == Survey.place_id)
    .outerjoin(FigureVersion, FigureVersion.survey_id == Survey.id)
    .where(Survey.id == sa.bindparam("survey_id"), ResultsPage.published_at.is_not(None))
)


def _answer_state(session: Session, survey_id: int) -> tuple | None:
    """Everything the answer is made from, as one row of plain values (None: not published)."""
    row = session.connection().execute(_ANSWER_STATE, {"survey_id": survey_id}).first()
    if row is None:
        return None
    # The answer's links are absolute, and small numbers are hidden by the configured rule.
    return (*row, request.host_url, current_app.config.get("SMALL_NUMBER_MAX"))


def results_response(session: Session, survey_id: int) -> Response | None:
    """The survey's public results as the API's JSON answer (schema-dumped once per change);
    None if the survey has no published results."""
    store = current_app.extensions.setdefault("api_results_text", {})
    state = _answer_state(session, survey_id)
    if state is None:
        return None
    kept = store.get(survey_id)
    if kept is not None and kept[0] == state:
        return current_app.response_class(kept[1], mimetype="application/json")
    found = figure_cache.published_with_mark(session, survey_id)
    if found is None:
        return None
    survey, page, mark = found
    summary = shapes.survey_summary(survey, page)
    figures = None
    if not removed_notice(survey):
        figures = figure_cache.public_figures(session, survey, page, mark=mark)
    text = current_app.json.dumps(ResultsSchema().dump(shapes.results_of(summary, figures)))
    if len(store) >= MAX_SURVEYS:
        store.clear()
    # Kept under the row read first: if something changed since, the next call sees a
    # different row and makes the text again (never the other way round).
    store[survey_id] = (state, text + "\n")
    return current_app.response_class(text + "\n", mimetype="application/json")
