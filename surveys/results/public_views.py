"""Public pages: "Our engagement" (open surveys and past engagement with results) and each
survey's "You said, we did" results page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from wtforms import SelectField

from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import QueryForm
from panel.i18n import gettext, lazy_choices
from panel.i18n import lazy_gettext as _l
from panel.members.reference import TOPICS
from surveys.decisions import public as public_decisions
from surveys.engagement_events.public import upcoming_public_events
from surveys.models import Survey
from surveys.results import decision_changes, figure_cache, public, publishing
from surveys.results.figures import removed_notice

blueprint = Blueprint("engagement", __name__, url_prefix="/engagement")


class IndexFilterForm(QueryForm):
    """The public results list's filters."""

    place = SelectField(_l("Place"), validate_choice=True)
    topic = SelectField(
        _l("Topic"), choices=[("", _l("Any topic")), *lazy_choices(TOPICS)], validate_choice=True
    )
    year = SelectField(_l("Year"), validate_choice=True)


@blueprint.get("/")
def index():
    """ "You said, we did": the published results."""
    form = IndexFilterForm(request.args)
    form.place.choices = [
        ("", gettext("Anywhere")),
        *[(str(p.id), p.name) for p in public.places(db.session)],
    ]
    form.year.choices = [
        ("", gettext("Any year")),
        *[(str(y), str(y)) for y in public.years(db.session)],
    ]
    form.validate()

    def good(field):
        return field.data if field.data and not field.errors else None

    filters = public.IndexFilters(
        place_id=int(good(form.place)) if good(form.place) else None,
        topic=good(form.topic) or "",
        year=int(good(form.year)) if good(form.year) else None,
    )
    now = utcnow()
    return render_template(
        "engagement/index.html",
        form=form,
        now=now,
        open_surveys=public.open_opportunities(db.session, now),
        events=upcoming_public_events(db.session, now),
        past=public.published_results(db.session, filters),
        topics=dict(TOPICS),
    )


@blueprint.get("/<int:survey_id>")
def results(survey_id: int):
    """One survey's published results."""
    survey = db.session.get(Survey, survey_id)
    page = publishing.results_page(db.session, survey) if survey else None
    if page is None or page.published_at is None:
        abort(404)
    # Once the answers are deleted under the retention schedule the page says so; what was
    # said and done stays.
    removed = removed_notice(survey)
    return render_template(
        "engagement/results.html",
        survey=survey,
        page=page,
        removed=removed,
        figures=None if removed else figure_cache.public_figures(db.session, survey, page),
        decisions=publishing.decisions(db.session, survey),
        changes=decision_changes.changes(db.session, survey),
        quotes=publishing.quotes(db.session, survey),
        register_decisions=public_decisions.decisions_using_survey(db.session, survey.id),
        topics=dict(TOPICS),
    )
