"""The published-results answer kept as JSON text: dumping 16 questions through marshmallow
costs more than everything else in the call, and the text is a pure function of the survey's
summary and its figures object, which surveys.results.figure_cache renews whenever a figure
could change. So the text is reused only while both are the same."""

from __future__ import annotations

from flask import Response, current_app
from sqlalchemy.orm import Session

from app.api import shapes
from app.api.schemas import ResultsSchema
from surveys.results import figure_cache
from surveys.results.figures import removed_notice

#: surveys' answers kept per process; past this the store starts again.
MAX_SURVEYS = 256


def results_response(session: Session, survey_id: int) -> Response | None:
    """The survey's public results as the API's JSON answer (schema-dumped once per change);
    None if the survey has no published results."""
    found = figure_cache.published_with_mark(session, survey_id)
    if found is None:
        return None
    survey, page, mark = found
    summary = shapes.survey_summary(survey, page)
    figures = None
    if not removed_notice(survey):
        figures = figure_cache.public_figures(session, survey, page, mark=mark)
    store = current_app.extensions.setdefault("api_results_text", {})
    kept = store.get(survey.id)
    if kept is None or kept[0] is not figures or kept[1] != summary:
        dumped = ResultsSchema().dump(shapes.results_of(summary, figures))
        if len(store) >= MAX_SURVEYS:
            store.clear()
        kept = store[survey.id] = (figures, summary, current_app.json.dumps(dumped) + "\n")
    return current_app.response_class(kept[2], mimetype="application/json")
