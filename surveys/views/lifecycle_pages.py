"""Survey lifecycle pages: status changes, review, preview, typo fixes, export and import,
and the election dates that pause publicity."""

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
    ReplyForm,
    TypoForm,
)
from surveys.guidance.spec import SurveyFormatError
from surveys.models import SurveySnapshot
from surveys.services import authoring, elections, lifecycle
from surveys.services.documents import SurveyFileProblems, export_document, parse_import
from surveys.views.common import AUTHORS, blueprint, redirect_to_survey, scoped_survey

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
    survey = scoped_survey(survey_id)
    action = STATUS_ACTIONS.get(request.form.get("action", ""))
    if action is None or not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(db.session, survey, current_user, utcnow())
    except lifecycle.LifecycleError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
    return redirect_to_survey(survey)


@blueprint.route("/<int:survey_id>/review", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def review(survey_id: int):
    """Review comments; POST adds a comment or a reply."""
    survey = scoped_survey(survey_id)
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
    survey = scoped_survey(survey_id)
    size = "phone" if request.args.get("size") == "phone" else "desktop"
    return render_template("surveys/preview.html", survey=survey, size=size)


@blueprint.route("/<int:survey_id>/questions/<key>/typo", methods=["GET", "POST"])
@staff_required(*AUTHORS)
def correct_typo(survey_id: int, key: str):
    """Correct a typo in a live survey's question."""
    survey = scoped_survey(survey_id)
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
            return redirect_to_survey(survey, f"question-{key}")
    return render_template("surveys/typo.html", form=form, survey=survey, question=question)


@blueprint.get("/<int:survey_id>/export.json")
@staff_required(*ALL_STAFF)
def export(survey_id: int):
    """The survey as a JSON file."""
    survey = scoped_survey(survey_id)
    return attachment(dumps(export_document(survey)), f"survey-{survey.id}.json")


@blueprint.get("/<int:survey_id>/snapshots/<int:version>.json")
@staff_required(*ALL_STAFF)
def snapshot(survey_id: int, version: int):
    """One snapshot of the survey as a JSON file."""
    survey = scoped_survey(survey_id)
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
            return redirect_to_survey(survey)
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
