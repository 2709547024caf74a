"""The question bank pages: search earlier surveys' questions (a GET, which only reads) and
copy one into the survey being written (a POST)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import staff_required
from panel.database import utcnow
from panel.extensions import db
from surveys.bank_forms import BankAddForm, BankSearchForm
from surveys.content import TYPE_LABELS
from surveys.services import authoring, question_bank
from surveys.views.common import AUTHORS, blueprint, redirect_after_change, scoped_survey


def _page_index(survey, raw) -> int:
    """The page questions are added to: the one asked for, else the last."""
    try:
        index = int(raw)
    except (TypeError, ValueError):
        return len(survey.pages) - 1
    return index if 0 <= index < len(survey.pages) else len(survey.pages) - 1


@blueprint.get("/<int:survey_id>/bank")
@staff_required(*AUTHORS)
def bank(survey_id: int):
    """Search the question bank; with no search, the questions most like this survey."""
    survey = scoped_survey(survey_id)
    if not survey.is_editable:
        abort(404)
    sources = question_bank.bank_surveys(db.session, current_user, survey)
    form = BankSearchForm(request.args)
    form.survey.choices = [("", "Any survey"), *((str(s.id), s.title) for s in sources)]
    searched = bool(request.args.get("q") or request.args.get("survey") or request.args.get("type"))
    valid = form.validate() if searched else True
    search = question_bank.BankSearch(
        text=(form.q.data or "") if not form.q.errors else "",
        survey_id=int(form.survey.data) if form.survey.data and not form.survey.errors else None,
        question_type=(form.type.data or "") if not form.type.errors else "",
    )
    return render_template(
        "surveys/bank.html",
        survey=survey,
        form=form,
        errors=not valid,
        search=search,
        entries=question_bank.search_bank(db.session, current_user, survey, search),
        page_index=_page_index(survey, request.args.get("page")),
        add_form=BankAddForm(),
        type_labels=TYPE_LABELS,
    )


@blueprint.post("/<int:survey_id>/bank")
@staff_required(*AUTHORS)
def add_from_bank(survey_id: int):
    """Copy a question from the bank into the survey."""
    survey = scoped_survey(survey_id)
    form = BankAddForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        key = question_bank.copy_from_bank(
            db.session,
            current_user,
            survey,
            form.source.data,
            form.key.data,
            form.page.data,
            utcnow(),
        )
    except authoring.AuthoringError as error:
        flash(f"The question was not added: {error}", "error")
        return redirect(url_for("surveys.bank", survey_id=survey.id, page=form.page.data))
    db.session.commit()
    flash(f"Question added as {key}. Check its wording fits this survey.", "success")
    return redirect_after_change(survey, f"question-{key}")
