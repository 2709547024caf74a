"""/api/v1: published surveys and their results, the engagement index, decisions and the
bulletin archive. Public data needs no key (rate limited per address); a key with the
read-place-results scope reads every closed question of its place's published surveys."""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from app.api import kept, shapes
from app.api.keys import (
    audit_call,
    current_key,
    identify_caller,
    rate_limit,
    rate_limit_key,
    requires,
)
from app.api.schemas import (
    BulletinPageSchema,
    BulletinSchema,
    DecisionFilterSchema,
    DecisionSchema,
    EngagementSchema,
    PageSchema,
    PlaceFilterSchema,
    PlaceResultsSchema,
    ProblemSchema,
    ResultsSchema,
    SurveyFilterSchema,
    SurveySummarySchema,
)
from mailer.bulletins import archive
from panel.api_keys.models import Scope
from panel.database import utcnow
from panel.extensions import db, limiter
from panel.problem_details import MEDIA_TYPE, problem_response
from surveys.decisions import public as public_decisions
from surveys.results import public

blueprint = Blueprint(
    "api_v1",
    __name__,
    url_prefix="/api/v1",
    description="Published figures of the citizens' panel (small numbers hidden).",
)
blueprint.before_request(identify_caller)
blueprint.after_request(audit_call)
# One allowance across every operation, per key or per address.
limiter.shared_limit(rate_limit, scope="api-v1", key_func=rate_limit_key)(blueprint)

_PROBLEM = {"schema": ProblemSchema, "content_type": MEDIA_TYPE}
_ERRORS = {
    401: "The key was not recognised, was revoked or has expired",
    403: "The key does not have the scope this needs",
    404: "Nothing published has that id",
    422: "A parameter is not valid: the problem names it under errors",
    429: "Too many calls: wait a minute",
}


def _problems(view, *codes: int):
    for code in codes:
        view = blueprint.alt_response(code, description=_ERRORS.get(code, "Problem"), **_PROBLEM)(
            view
        )
    return view


def problems(*codes: int):
    """Document the problem responses a view may give besides 401 and 429."""
    return lambda view: _problems(view, 401, 429, *codes)


@blueprint.errorhandler(Exception)
def _problem(error):
    """Every error of the API as problem details; webargs' field messages under "errors"."""
    code = getattr(error, "code", None) or 500
    if code == 422:
        messages = getattr(error, "data", {}).get("messages", {})
        errors = {name: value for where in messages.values() for name, value in where.items()}
        detail = "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in errors.items())
        return problem_response(422, f"Check the parameters: {detail}", errors=errors)
    if code >= 500:
        db.session.rollback()
        return problem_response(500, "Something went wrong; try again later.")
    return problem_response(code, getattr(error, "description", "") or "")


def _not_found(what: str):
    return problem_response(404, f"There is no published {what} with that id.")


@blueprint.get("/engagement")
@blueprint.response(200, EngagementSchema)
@problems()
def engagement():
    """The "Our engagement" index: surveys open to anyone now and published results."""
    return {
        "open_surveys": [
            {
                "id": survey.id,
                "title": survey.title,
                "closes_at": survey.closes_at,
                "take_part_url": url_for("take_part.open_start", code=code, _external=True),
            }
            for survey, code in public.open_opportunities(db.session, utcnow())
        ],
        "published_results": [
            shapes.survey_summary(survey, page)
            for survey, page in public.published_results(db.session, public.IndexFilters())
        ],
    }


@blueprint.get("/surveys")
@blueprint.arguments(SurveyFilterSchema, location="query")
@blueprint.response(200, SurveySummarySchema(many=True))
@problems(422)
def surveys(filters):
    """Surveys with published results, newest first (a place includes ICB-wide surveys)."""
    rows = public.published_results(db.session, public.IndexFilters(**filters))
    return [shapes.survey_summary(survey, page) for survey, page in rows]


@blueprint.get("/surveys/<int:survey_id>/results")
@blueprint.response(200, ResultsSchema)
@problems(404)
def survey_results(survey_id: int):
    """A survey's published figures: the same questions and hidden cells as its public page."""
    answer = kept.results_response(db.session, survey_id)
    return _not_found("survey results") if answer is None else answer


@blueprint.get("/place-results")
@blueprint.arguments(PlaceFilterSchema, location="query")
@blueprint.response(200, PlaceResultsSchema)
@problems(403, 422)
@requires(Scope.READ_PLACE_RESULTS)
def place_results(filters):
    """Every closed question of a place's published surveys, small numbers hidden. A key for
    one place reads only that place: asking for another gives no rows."""
    key = current_key()
    place_id = key.place_id if key.place_id is not None else filters.get("place_id")
    if filters.get("place_id") not in (None, place_id):
        return {"results": []}
    rows = public.published_results(db.session, public.IndexFilters(place_id=place_id))
    return {
        "results": [
            shapes.results(db.session, survey, page, every_question=True)
            for survey, page in rows
            if place_id is None or survey.place_id == place_id
        ]
    }


@blueprint.get("/decisions")
@blueprint.arguments(DecisionFilterSchema, location="query")
@blueprint.response(200, DecisionSchema(many=True))
@problems(422)
def decisions(filters):
    """Decisions on the public register, latest first."""
    chosen = public_decisions.PublicFilters(
        place_id=filters.get("place_id"),
        status=filters.get("status"),
        body_kind=filters.get("body_kind"),
    )
    return [shapes.decision(d) for d in public_decisions.published_decisions(db.session, chosen)]


@blueprint.get("/decisions/<int:decision_id>")
@blueprint.response(200, DecisionSchema)
@problems(404)
def decision(decision_id: int):
    """One decision on the public register."""
    record = public_decisions.published_decision(db.session, decision_id)
    return _not_found("decision") if record is None else shapes.decision(record)


@blueprint.get("/bulletins")
@blueprint.arguments(PageSchema, location="query")
@blueprint.response(200, BulletinPageSchema)
@problems(422)
def bulletins(args):
    """One page of the bulletin archive, newest first."""
    entries, pages = archive.archive_page(db.session, args["page"])
    return {
        "page": args["page"],
        "pages": pages,
        "bulletins": [shapes.bulletin(entry) for entry in entries],
    }


@blueprint.get("/bulletins/<int:bulletin_id>")
@blueprint.response(200, BulletinSchema)
@problems(404)
def bulletin(bulletin_id: int):
    """One sent bulletin from the archive."""
    found = archive.public_bulletin(db.session, bulletin_id)
    return _not_found("bulletin") if found is None else shapes.bulletin(archive.entry_for(found))
