"""Survey authoring pages: the list, a new survey, its plan, its pages and questions."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from panel.auth.access import ALL_STAFF, staff_required
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from surveys import content as doc
from surveys import page_data
from surveys.forms import (
    OverrideForm,
    PageForm,
    PlanForm,
    QuestionForm,
)
from surveys.insights import library
from surveys.models import Survey
from surveys.results import scope
from surveys.services import authoring, checking, lifecycle, similar
from surveys.views.common import (
    AUTHORS,
    blueprint,
    local_zone,
    redirect_after_change,
    redirect_to_survey,
    return_url,
    scoped_survey,
)


@blueprint.get("/")
@staff_required(*ALL_STAFF)
def index():
    """The surveys the user may see."""
    surveys = authoring.visible_surveys(db.session, current_user)
    icb_wide = scope.icb_wide_surveys_with_results(db.session, current_user)
    return render_template("surveys/index.html", surveys=surveys, icb_wide=icb_wide)


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def new():
    """Plan a new survey."""
    form = page_data.prepare_plan_form(PlanForm(), db.session, current_user)
    if request.method == "GET":
        form.audience.data, form.involvement.data, form.anonymous.data = "panel", "listen", "yes"
    if form.validate_on_submit() and (plan := page_data.plan_from_form(form, local_zone())):
        try:
            survey = authoring.create_survey(db.session, current_user, plan, utcnow())
        except authoring.AuthoringError as error:
            show_field_error(form, error, fallback="title")
            db.session.commit()  # nothing but the audit of a refused segment, if that was it
        else:
            db.session.commit()
            return redirect_to_survey(survey)
    return render_template("surveys/plan.html", form=form, survey=None)


@blueprint.get("/<int:survey_id>")
@staff_required(*ALL_STAFF)
def detail(survey_id: int):
    """A survey's page: its guidance report, comments and actions."""
    survey = scoped_survey(survey_id)
    context = page_data.survey_context(db.session, survey, current_user)
    return render_template(
        "surveys/survey.html", **context, form=ConfirmForm(), override_form=OverrideForm()
    )


@blueprint.get("/<int:survey_id>/check")
@staff_required(*AUTHORS)
def check(survey_id: int):
    """Check the plan and every question before asking for a review: each has a "Change" link
    that comes back here after saving."""
    survey = scoped_survey(survey_id)
    if not survey.is_editable:
        return redirect_to_survey(survey)
    return render_template(
        "surveys/check.html",
        survey=survey,
        report=checking.check(db.session, survey),
        type_labels=doc.TYPE_LABELS,
        form=ConfirmForm(),
    )


@blueprint.route("/<int:survey_id>/plan", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def plan(survey_id: int):
    """Change a survey's plan."""
    survey = scoped_survey(survey_id)
    form = page_data.prepare_plan_form(PlanForm(), db.session, current_user)
    if request.method == "GET":
        page_data.fill_plan_form(form, survey, local_zone())
    elif form.validate_on_submit() and (plan := page_data.plan_from_form(form, local_zone())):
        try:
            authoring.update_plan(db.session, survey, current_user, plan, utcnow())
        except authoring.AuthoringError as error:
            show_field_error(form, error, fallback="title")
            db.session.commit()  # nothing but the audit of a refused segment, if that was it
        else:
            db.session.commit()
            return redirect_after_change(survey, "plan")
    return render_template(
        "surveys/plan.html",
        form=form,
        survey=survey,
        back_url=return_url(survey, "plan"),
        insights=library.insights_for_survey(db.session, current_user, survey),
    )


def _question_page(survey: Survey, page_index: int, key: str | None, question: dict | None):
    form = page_data.prepare_question_form(QuestionForm(), survey, key, page_index)
    if request.method == "GET":
        if question:
            page_data.fill_question_form(form, question)
        else:
            form.type.data, form.required.data = "single_choice", True
    elif form.validate_on_submit():
        new_key = key or authoring.new_question_key(survey)
        built = page_data.question_from_form(form, new_key, (question or {}).get("block"))
        try:
            authoring.save_question(survey, page_index, built, utcnow())
        except authoring.AuthoringError as error:
            for field, message in error.problems:
                getattr(form, field or "text").errors.append(message)
        else:
            db.session.commit()
            return redirect_after_change(survey, f"question-{new_key}")
    text = form.text.data or (question or {}).get("text", "")
    return render_template(
        "surveys/question.html",
        form=form,
        survey=survey,
        key=key,
        page_index=page_index,
        similar_questions=similar.similar_questions(db.session, survey, text) if text else [],
        scale_hint=page_data.scale_hint(text),
        back_url=return_url(survey, f"question-{key}" if key else "questions"),
    )


@blueprint.route("/<int:survey_id>/pages/<int:page_index>/questions/new", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def new_question(survey_id: int, page_index: int):
    """Add a question to a page."""
    survey = scoped_survey(survey_id)
    if not survey.is_editable or not 0 <= page_index < len(survey.pages):
        abort(404)
    return _question_page(survey, page_index, None, None)


@blueprint.route("/<int:survey_id>/questions/<key>", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def edit_question(survey_id: int, key: str):
    """Edit a question."""
    survey = scoped_survey(survey_id)
    try:
        page_index, index = doc.find(survey.content or {}, key)
    except doc.ContentError:
        abort(404)
    if not survey.is_editable:
        return redirect(url_for("surveys.correct_typo", survey_id=survey.id, key=key))
    return _question_page(survey, page_index, key, survey.pages[page_index]["questions"][index])


@blueprint.post("/<int:survey_id>/questions/<key>/arrange")
@staff_required(*AUTHORS)
def arrange_question(survey_id: int, key: str):
    """Move, copy or delete a question."""
    survey = scoped_survey(survey_id)
    action, now = request.form.get("action", ""), utcnow()
    try:
        if action in ("up", "down"):
            authoring.move_question(survey, key, -1 if action == "up" else 1, now)
        elif action == "duplicate":
            key = authoring.duplicate_question(survey, key, now)
        elif action == "delete":
            authoring.delete_question(survey, key, now)
        else:
            abort(400)
    except authoring.AuthoringError as error:
        flash(str(error), "error")
        return redirect_to_survey(survey)
    db.session.commit()
    return redirect_to_survey(survey, "" if action == "delete" else f"question-{key}")


@blueprint.post("/<int:survey_id>/pages")
@staff_required(*AUTHORS)
def pages(survey_id: int):
    """Add, rename, move or delete a page."""
    survey = scoped_survey(survey_id)
    form, now = PageForm(), utcnow()
    action = request.form.get("action", "add")
    page_index = request.form.get("page", type=int)
    try:
        if not form.validate_on_submit():
            raise authoring.AuthoringError(
                form.title.errors[0] if form.title.errors else "Try again",
                "title" if form.title.errors else None,
            )
        if action == "add":
            authoring.add_page(survey, form.title.data or "", now)
        elif action == "rename" and page_index is not None:
            authoring.change_page(
                survey,
                page_index,
                form.title.data or "",
                page_data.page_condition(request.form),
                now,
            )
        elif action == "delete" and page_index is not None:
            authoring.delete_page(survey, page_index, now)
        elif action == "equality":
            authoring.add_equality_block(survey, now)
        else:
            abort(400)
    except authoring.AuthoringError as error:
        if action == "rename" and page_index is not None:
            return _page_refused(survey, page_index, error)
        flash(str(error), "error")
        return redirect_to_survey(survey)
    db.session.commit()
    return redirect_to_survey(survey, "questions")


def _page_refused(survey: Survey, page_index: int, error: authoring.AuthoringError):
    """The survey page again with the page's form open, each problem next to its field (the
    "show only if" rule's beside the rule) and what was typed kept."""
    typed = {
        name: request.form.get(name, "") for name in ("title", "show_if_key", "show_if_values")
    }
    page_form = {"index": page_index, "typed": typed, "errors": dict(error.problems)}
    context = page_data.survey_context(db.session, survey, current_user)
    return render_template(
        "surveys/survey.html",
        **context,
        form=ConfirmForm(),
        override_form=OverrideForm(),
        page_form=page_form,
    )


@blueprint.post("/<int:survey_id>/override")
@staff_required(*AUTHORS)
def override(survey_id: int):
    """Override one of the guidance checker's errors, with a reason."""
    survey = scoped_survey(survey_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            lifecycle.record_override(
                db.session,
                survey,
                current_user,
                form.rule.data,
                form.question_key.data or "",
                form.reason.data or "",
                utcnow(),
            )
        except lifecycle.LifecycleError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The reason is recorded with the survey.", "success")
    else:
        flash("Explain in a sentence why this is needed", "error")
    return redirect_to_survey(survey, "findings")
