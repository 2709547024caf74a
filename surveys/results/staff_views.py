"""Staff results pages: figures with filters and cross-tabs, the respondent profile, comments
and quotes, the export, and writing and publishing the public results page and decisions."""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.members.reference import TOPICS
from surveys import content as doc
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey, SurveyStatus
from surveys.results import (
    comments,
    export,
    figures,
    profile,
    published,
    publishing,
    scope,
    themes,
)
from surveys.results import weighting as weights
from surveys.results.forms import (
    DecisionForm,
    QuoteForm,
    ResultsPageForm,
    SearchForm,
    equality_selects,
    filter_form,
    filters_from,
)
from surveys.results.page_data import filter_choices

blueprint = Blueprint("results", __name__, url_prefix="/staff/surveys")


@blueprint.app_errorhandler(figures.FiguresUnavailable)
def figures_unavailable(error):
    """Any page (staff, public, report, export) whose figures cannot be counted truthfully says
    why instead of showing numbers that would be wrong. Answers deleted under the retention
    schedule are gone for good (410); anything else may be put right (503)."""
    status = 410 if isinstance(error, figures.ResponsesRemoved) else 503
    return render_template(
        "errors/error.html",
        status=status,
        title="These figures are no longer available"
        if status == 410
        else "These figures cannot be shown now",
        message=str(error),
    ), status


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def _readable_survey(survey_id: int) -> Survey:
    """A survey whose figures the user may read: a place team also reads ICB-wide surveys,
    limited to its places by ``_filters``."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not scope.may_read_results(survey, current_user):
        abort(404)
    return survey


def _filters(survey: Survey):
    places, neighbourhoods, sources, found = filter_choices(db.session, survey)
    form = filter_form(
        request.args, places, neighbourhoods, sources, found, survey, equality_allowed=set(found)
    )
    valid = form.validate()
    filters = replace(
        filters_from(form, valid), within_places=scope.places_limit(survey, current_user)
    )
    return form, filters, found


@blueprint.get("/<int:survey_id>/results")
@staff_required(*ALL_STAFF)
def overview(survey_id: int):
    """The survey's results, filtered, with a cross-tab by a chosen dimension."""
    survey = _readable_survey(survey_id)
    form, filters, found = _filters(survey)
    dimension = found.get(form.by.data) or found["place"]
    weighting = weighted = None
    if form.weights.data == "census" and not form.weights.errors and not filters.any:
        weighting = weights.weights_for(db.session, survey)
        weighted = weights.weighted_results(db.session, survey, weighting)
    # The communications team reads the counts as they are; everyone else reads them as they
    # would be shared (surveys.results.published), as on the public page and in the report.
    shared = current_user.role is not Role.COMMS
    counted = figures.page_figures(db.session, survey, dimension, filters)
    # A place team reading an ICB-wide survey for its places reads its profile as published.
    limited = scope.is_limited_to_places(survey, current_user)
    found_profile = profile.respondent_profile(db.session, survey, filters)
    channels = figures.channel_counts(db.session, survey, filters)
    results, tables = counted.results, counted.cross_tabs
    return render_template(
        "surveys/results/overview.html",
        survey=survey,
        form=form,
        equality_fields=[name for name, _l, _c in equality_selects(set(found))],
        filters=filters,
        respondents=counted.respondents,
        results=results,
        shown={
            r.key: published.published_question(r) if shared else published.as_counted(r)
            for r in results
            if r.is_closed
        },
        cross_tabs=[
            published.published_crosstab(t) if shared else published.as_counted_crosstab(t)
            for t in tables
        ],
        shared=shared,
        hidden_note=published.hidden_note(),
        dimension=dimension,
        profile=profile.published_profile(found_profile) if limited else found_profile,
        channels=published.published_rows(channels) if shared else channels,
        query=request.query_string.decode(),
        limited=limited,
        weighting=weighting,
        weighted=weighted,
    )


@blueprint.get("/<int:survey_id>/results/comments")
@staff_required(*MEMBER_DATA_ROLES)
def comment_list(survey_id: int):
    """The comments, filtered and searchable."""
    survey = _survey(survey_id)
    form, filters, _found = _filters(survey)
    search = SearchForm(request.args)
    search.validate()
    text = search.q.data or "" if not search.q.errors else ""
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    found, total = comments.comments(db.session, survey, filters, text, number)
    record_audit(
        db.session, current_user, "results.comments", "survey", [survey.id], f"page {number}"
    )
    db.session.commit()
    return render_template(
        "surveys/results/comments.html",
        survey=survey,
        search=search,
        comments=found,
        total=total,
        page=number,
        pages=max(1, -(-total // comments.PAGE_SIZE)),
        quotes=publishing.quotes(db.session, survey),
        quote_form=QuoteForm(),
        form=ConfirmForm(),
        theme_choices=[(t.id, t.name) for t in themes.themes(db.session, survey)],
    )


@blueprint.post("/<int:survey_id>/results/quotes")
@staff_required(*MEMBER_DATA_ROLES)
def add_quote(survey_id: int):
    """Choose a comment as a quote."""
    survey = _survey(survey_id)
    form = QuoteForm()
    if form.validate_on_submit():
        try:
            publishing.choose_quote(db.session, survey, current_user, form.answer_id.data, utcnow())
        except publishing.PublishingError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Quote added to the results page", "success")
    else:
        flash("That comment could not be chosen: try again", "error")
    return redirect(url_for("results.comment_list", survey_id=survey.id))


@blueprint.post("/<int:survey_id>/results/quotes/<int:quote_id>/remove")
@staff_required(*MEMBER_DATA_ROLES)
def remove_quote(survey_id: int, quote_id: int):
    """Remove a quote."""
    survey = _survey(survey_id)
    if ConfirmForm().validate_on_submit():
        publishing.remove_quote(db.session, survey, current_user, quote_id, utcnow())
        db.session.commit()
    return redirect(url_for("results.comment_list", survey_id=survey.id))


@blueprint.get("/<int:survey_id>/results/export.zip")
@staff_required(*MEMBER_DATA_ROLES)
def export_responses(survey_id: int):
    """The responses as a zip download (audited)."""
    survey = _survey(survey_id)
    _form, filters, _found = _filters(survey)
    # Made before it is recorded: an export that could not be made is not audited.
    body = export.export_zip(db.session, survey, filters)
    record_audit(
        db.session,
        current_user,
        "results.export",
        "survey",
        [survey.id],
        "responses and codebook (no contact details)",
    )
    db.session.commit()
    return attachment(body, f"survey-{survey.id}-responses.zip")


def _page_form(survey: Survey, page) -> ResultsPageForm:
    form = ResultsPageForm(obj=None if request.method == "POST" else page)
    form.featured_questions.choices = [
        (q["key"], q["text"])
        for q in doc.questions(survey.content or {})
        if q["type"] in CHOICE_TYPES
    ]
    return form


@blueprint.route("/<int:survey_id>/results/page", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def edit_page(survey_id: int):
    """Edit the public results page's text."""
    survey = _survey(survey_id)
    page = publishing.page_for_editing(db.session, survey)
    form = _page_form(survey, page)
    status = 200
    if form.validate_on_submit():
        try:
            publishing.save_page(db.session, survey, current_user, form.data, utcnow())
        except publishing.PublishingError as error:
            if not show_field_error(form, error):
                form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Results page saved", "success")
            return redirect(url_for("results.edit_page", survey_id=survey.id))
    if form.errors or form.form_errors:
        status = 400
    return _editor(survey, page, form, DecisionForm()), status


def _editor(survey: Survey, page, form: ResultsPageForm, decision_form: DecisionForm) -> str:
    return render_template(
        "surveys/results/edit_page.html",
        survey=survey,
        page=page,
        form=form,
        decision_form=decision_form,
        confirm=ConfirmForm(),
        decisions=publishing.decisions(db.session, survey),
        topics=dict(TOPICS),
        quotes=publishing.quotes(db.session, survey),
        closed=survey.status is SurveyStatus.CLOSED,
    )


@blueprint.post("/<int:survey_id>/results/unpublish")
@staff_required(*MEMBER_DATA_ROLES)
def unpublish(survey_id: int):
    """Take the results page off the public site."""
    survey = _survey(survey_id)
    if ConfirmForm().validate_on_submit():
        publishing.unpublish(db.session, survey, current_user, utcnow())
        db.session.commit()
        flash("The results page is no longer public", "success")
    return redirect(url_for("results.edit_page", survey_id=survey.id))


@blueprint.post("/<int:survey_id>/results/decisions")
@staff_required(*MEMBER_DATA_ROLES)
def add_decision(survey_id: int):
    """Add a decision."""
    survey = _survey(survey_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            publishing.add_decision(
                db.session,
                survey,
                current_user,
                form.you_said.data,
                form.outcome.data,
                form.action.data,
                form.decided_on.data,
                utcnow(),
            )
        except publishing.PublishingError as error:
            if not show_field_error(form, error):
                form.form_errors.append(str(error))
        else:
            db.session.commit()
            public = publishing.results_page(db.session, survey)
            told = (
                " Check and send the email to the people who took part from the decision below."
                if public is not None and public.published_at is not None
                else ""
            )
            flash(f"Decision added.{told}", "success")
            return redirect(url_for("results.edit_page", survey_id=survey.id))
    page = publishing.page_for_editing(db.session, survey)
    return _editor(survey, page, _page_form(survey, page), form), 400


@blueprint.get("/<int:survey_id>/results/crosstabs.csv")
@staff_required(*ALL_STAFF)
def crosstab_download(survey_id: int):
    """The cross-tabs as CSV, small numbers hidden."""
    survey = _readable_survey(survey_id)
    form, filters, found = _filters(survey)
    dimension = found.get(form.by.data) or found["place"]
    tables = figures.cross_tabs(db.session, survey, dimension, filters)
    body = export.crosstab_csv(tables)
    record_audit(
        db.session,
        current_user,
        "results.crosstabs",
        "survey",
        [survey.id],
        f"by {dimension.key}, small numbers hidden",
    )
    db.session.commit()
    return attachment(body, f"survey-{survey.id}-by-{dimension.key}.csv")
