"""Staff pages for planning, writing, reviewing and publishing surveys."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.json_text import dumps
from surveys import content as doc
from surveys import page_data
from surveys.fieldwork.invitations import close_survey
from surveys.forms import (
    CommentForm,
    ElectionDateForm,
    ImportForm,
    OverrideForm,
    PageForm,
    PlanForm,
    QuestionForm,
    ReplyForm,
    TypoForm,
)
from surveys.guidance.spec import SurveyFormatError
from surveys.models import Survey, SurveySnapshot
from surveys.services import authoring, elections, lifecycle, similar
from surveys.services.documents import SurveyFileProblems, export_document, parse_import

blueprint = Blueprint("surveys", __name__, url_prefix="/staff/surveys")
AUTHORS = tuple(MEMBER_DATA_ROLES)


def _survey(survey_id: int) -> Survey:
    """Another place's survey is a 404, exactly like a missing one."""
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def _to_survey(survey: Survey, anchor: str = ""):
    return redirect(
        url_for("surveys.detail", survey_id=survey.id) + (f"#{anchor}" if anchor else "")
    )


def _zone() -> str:
    return current_app.config["TIMEZONE"]


@blueprint.get("/")
@staff_required(*ALL_STAFF)
def index():
    """The surveys the user may see."""
    surveys = authoring.visible_surveys(db.session, current_user)
    return render_template("surveys/index.html", surveys=surveys)


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def new():
    """Plan a new survey."""
    form = page_data.prepare_plan_form(PlanForm(), db.session, current_user)
    if request.method == "GET":
        form.audience.data, form.involvement.data, form.anonymous.data = "panel", "listen", "yes"
    if form.validate_on_submit() and (plan := page_data.plan_from_form(form, _zone())):
        try:
            survey = authoring.create_survey(db.session, current_user, plan, utcnow())
        except authoring.AuthoringError as error:
            show_field_error(form, error, fallback="title")
            db.session.commit()  # nothing but the audit of a refused segment, if that was it
        else:
            db.session.commit()
            return _to_survey(survey)
    return render_template("surveys/plan.html", form=form, survey=None)


@blueprint.get("/<int:survey_id>")
@staff_required(*ALL_STAFF)
def detail(survey_id: int):
    """A survey's page: its guidance report, comments and actions."""
    survey = _survey(survey_id)
    context = page_data.survey_context(db.session, survey)
    return render_template(
        "surveys/survey.html", **context, form=ConfirmForm(), override_form=OverrideForm()
    )


@blueprint.route("/<int:survey_id>/plan", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def plan(survey_id: int):
    """Change a survey's plan."""
    survey = _survey(survey_id)
    form = page_data.prepare_plan_form(PlanForm(), db.session, current_user)
    if request.method == "GET":
        page_data.fill_plan_form(form, survey, _zone())
    elif form.validate_on_submit() and (plan := page_data.plan_from_form(form, _zone())):
        try:
            authoring.update_plan(db.session, survey, current_user, plan, utcnow())
        except authoring.AuthoringError as error:
            show_field_error(form, error, fallback="title")
            db.session.commit()  # nothing but the audit of a refused segment, if that was it
        else:
            db.session.commit()
            return _to_survey(survey)
    return render_template("surveys/plan.html", form=form, survey=survey)


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
            return _to_survey(survey, f"question-{new_key}")
    text = form.text.data or (question or {}).get("text", "")
    return render_template(
        "surveys/question.html",
        form=form,
        survey=survey,
        key=key,
        page_index=page_index,
        similar_questions=similar.similar_questions(db.session, survey, text) if text else [],
        scale_hint=page_data.scale_hint(text),
    )


@blueprint.route("/<int:survey_id>/pages/<int:page_index>/questions/new", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def new_question(survey_id: int, page_index: int):
    """Add a question to a page."""
    survey = _survey(survey_id)
    if not survey.is_editable or not 0 <= page_index < len(survey.pages):
        abort(404)
    return _question_page(survey, page_index, None, None)


@blueprint.route("/<int:survey_id>/questions/<key>", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def edit_question(survey_id: int, key: str):
    """Edit a question."""
    survey = _survey(survey_id)
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
    survey = _survey(survey_id)
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
        return _to_survey(survey)
    db.session.commit()
    return _to_survey(survey, "" if action == "delete" else f"question-{key}")


@blueprint.post("/<int:survey_id>/pages")
@staff_required(*AUTHORS)
def pages(survey_id: int):
    """Add, rename, move or delete a page."""
    survey = _survey(survey_id)
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
        return _to_survey(survey)
    db.session.commit()
    return _to_survey(survey, "questions")


def _page_refused(survey: Survey, page_index: int, error: authoring.AuthoringError):
    """The survey page again with the page's form open, each problem next to its field (the
    "show only if" rule's beside the rule) and what was typed kept."""
    typed = {
        name: request.form.get(name, "") for name in ("title", "show_if_key", "show_if_values")
    }
    page_form = {"index": page_index, "typed": typed, "errors": dict(error.problems)}
    context = page_data.survey_context(db.session, survey)
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
    survey = _survey(survey_id)
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
    return _to_survey(survey, "findings")


STATUS_ACTIONS = {
    "submit": lifecycle.submit_for_review,
    "return": lifecycle.return_to_draft,
    "approve": lifecycle.approve,
    "publish": lifecycle.publish,
    "close": close_survey,
}


@blueprint.post("/<int:survey_id>/status")
@staff_required(*AUTHORS)
def status(survey_id: int):
    """Move a survey on: review, approve, go live, close or back to draft."""
    survey = _survey(survey_id)
    action = STATUS_ACTIONS.get(request.form.get("action", ""))
    if action is None or not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(db.session, survey, current_user, utcnow())
    except lifecycle.LifecycleError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
    return _to_survey(survey)


@blueprint.route("/<int:survey_id>/review", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def review(survey_id: int):
    """Review comments; POST adds a comment or a reply."""
    survey = _survey(survey_id)
    keys = [(q["key"], f"{q['key']}: {q['text'][:70]}") for q in doc.questions(survey.content)]
    form, reply = CommentForm(), ReplyForm()
    form.question_key.choices = [("", "The whole survey"), *keys]
    posted = form if "question_key" in request.form else reply
    if request.method == "POST" and posted.validate_on_submit():
        try:
            lifecycle.add_comment(
                db.session,
                survey,
                current_user,
                posted.body.data,
                getattr(posted, "question_key", None) and posted.question_key.data or "",
                getattr(posted, "reply_to", None) and posted.reply_to.data,
                utcnow(),
            )
        except lifecycle.LifecycleError as error:
            posted.body.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("surveys.review", survey_id=survey.id))
    return render_template(
        "surveys/review.html",
        survey=survey,
        form=form,
        reply=reply,
        posted=posted if request.method == "POST" else None,
        comments=lifecycle.comments_by_question(db.session, survey),
        questions={q["key"]: q for q in doc.questions(survey.content)},
    )


@blueprint.get("/<int:survey_id>/preview")
@staff_required(*ALL_STAFF)
def preview(survey_id: int):
    """The survey as respondents would see it, on a desktop or phone width."""
    survey = _survey(survey_id)
    size = "phone" if request.args.get("size") == "phone" else "desktop"
    return render_template("surveys/preview.html", survey=survey, size=size)


@blueprint.route("/<int:survey_id>/questions/<key>/typo", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def correct_typo(survey_id: int, key: str):
    """Correct a typo in a live survey's question."""
    survey = _survey(survey_id)
    try:
        page_index, index = doc.find(survey.content or {}, key)
    except doc.ContentError:
        abort(404)
    question = survey.pages[page_index]["questions"][index]
    form = TypoForm()
    if request.method == "GET":
        form.text.data, form.options.data = question["text"], "\n".join(question["options"])
    elif form.validate_on_submit():
        options = (form.options.data or "").splitlines()
        try:
            lifecycle.correct_typo(
                db.session,
                survey,
                current_user,
                key,
                form.text.data,
                options,
                form.note.data,
                utcnow(),
            )
        except lifecycle.LifecycleError as error:
            show_field_error(form, error, fallback="text")
        else:
            db.session.commit()
            return _to_survey(survey, f"question-{key}")
    return render_template("surveys/typo.html", form=form, survey=survey, question=question)


@blueprint.get("/<int:survey_id>/export.json")
@staff_required(*ALL_STAFF)
def export(survey_id: int):
    """The survey as a JSON file."""
    survey = _survey(survey_id)
    return attachment(dumps(export_document(survey)), f"survey-{survey.id}.json")


@blueprint.get("/<int:survey_id>/snapshots/<int:version>.json")
@staff_required(*ALL_STAFF)
def snapshot(survey_id: int, version: int):
    """One snapshot of the survey as a JSON file."""
    survey = _survey(survey_id)
    found = db.session.query(SurveySnapshot).filter_by(survey_id=survey.id, version=version).first()
    if found is None:
        abort(404)
    return attachment(
        found.document,
        f"survey-{survey.id}-v{version}.json",
        headers={"X-Content-SHA256": found.sha256},
    )


@blueprint.route("/import", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def import_survey():
    """Import a survey from a JSON file."""
    form = ImportForm()
    form.place_id.choices = page_data.owner_choices(current_user)
    problems = []
    if form.validate_on_submit():
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise SurveyFormatError("choose a file to import")
            document = parse_import(upload.read(1024 * 1024 + 1))
            survey = authoring.import_survey(
                db.session, current_user, document, form.place_id.data or None, utcnow()
            )
        except SurveyFileProblems as error:
            db.session.rollback()
            problems = error.problems
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            form.file.errors = [f"The file cannot be imported: {count}, each listed below"]
        except SurveyFormatError as error:
            db.session.rollback()
            form.file.errors = [f"The file cannot be imported: {error.reason}"]
        except authoring.AuthoringError as error:
            db.session.rollback()
            form.place_id.errors.append(str(error))
        else:
            db.session.commit()
            return _to_survey(survey)
    return render_template("surveys/import.html", form=form, problems=problems)


@blueprint.route("/election-dates", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def election_dates():
    """Election polling days; POST adds one."""
    form = ElectionDateForm()
    if form.validate_on_submit():
        try:
            elections.add_election_date(
                db.session, current_user, form.poll_date.data, form.description.data, utcnow()
            )
        except elections.ElectionDateError as error:
            form.poll_date.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("surveys.election_dates"))
    return render_template(
        "surveys/election_dates.html",
        form=form,
        remove_form=ConfirmForm(),
        dates=elections.election_dates(db.session),
    )


@blueprint.post("/election-dates/<int:election_id>/remove")
@staff_required(Role.COMMS)
def remove_election_date(election_id: int):
    """Remove an election polling day."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        elections.remove_election_date(db.session, current_user, election_id, utcnow())
    except elections.ElectionDateError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
    return redirect(url_for("surveys.election_dates"))
