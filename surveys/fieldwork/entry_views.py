"""Staff pages for answers gathered offline: start entering a paper, phone or event response
(answered on the same pages residents use), and make and list paper copies' references."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from panel.auth.access import get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import show_field_error
from surveys.fieldwork import entry, paper, paper_document
from surveys.fieldwork.branching import SurveyClosed
from surveys.fieldwork.forms import EntryForm, PaperCopiesForm
from surveys.models import Survey

blueprint = Blueprint("response_entry", __name__, url_prefix="/staff/surveys")

#: who enters responses: the communications team, and a place team for its place's surveys
#: (get_scoped_or_404, as on every staff page of a survey).
ENTRY_ROLES = (Role.COMMS, Role.PLACE)


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


@blueprint.route("/<int:survey_id>/enter", methods=["GET", "POST"])
@staff_required(*ENTRY_ROLES)
def start(survey_id: int):
    """Enter a paper or phone response: choose the channel (and the copy), then answer."""
    survey = _survey(survey_id)
    form = EntryForm()
    is_open = survey.is_open(utcnow())
    if is_open and form.validate_on_submit():
        try:
            _response, token = _start(survey, form)
        except SurveyClosed:
            is_open = False
        except entry.EntryRefused as refused:
            db.session.rollback()
            show_field_error(form, refused, fallback="reference")
        else:
            db.session.commit()
            return redirect(url_for("take_part.page", kind="r", token=token, number=1))
    status = 400 if form.errors else (409 if form.is_submitted() and not is_open else 200)
    return render_template(
        "surveys/fieldwork/enter.html", survey=survey, form=form, is_open=is_open
    ), status


def _start(survey: Survey, form: EntryForm):
    for attempt in (1, 2):
        try:
            return entry.start_entry(
                db.session,
                survey,
                current_user,
                form.channel.data,
                form.reference.data or "",
                utcnow(),
            )
        except OperationalError:
            # SQLite: another entry wrote first; read again (a second try sees that copy used).
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@blueprint.get("/<int:survey_id>/paper-copies")
@staff_required(*ENTRY_ROLES)
def paper_copies(survey_id: int, form: PaperCopiesForm | None = None):
    """The survey's paper copies: each reference, and whether and when it was entered."""
    survey = _survey(survey_id)
    return render_template(
        "surveys/fieldwork/paper_copies.html",
        survey=survey,
        copies=entry.paper_copies(db.session, survey),
        form=form or PaperCopiesForm(),
    )


@blueprint.post("/<int:survey_id>/paper-copies")
@staff_required(*ENTRY_ROLES)
def make_paper_copies(survey_id: int):
    """Make new paper copies, each with its own reference."""
    survey = _survey(survey_id)
    form = PaperCopiesForm()
    if form.validate_on_submit():
        paper.make_paper_copies(db.session, survey, current_user, int(form.how_many.data), utcnow())
        db.session.commit()
        return redirect(url_for("response_entry.paper_copies", survey_id=survey.id))
    return paper_copies(survey_id, form=form), 400


@blueprint.get("/<int:survey_id>/paper-copies.pdf")
@staff_required(*ENTRY_ROLES)
def paper_copies_pdf(survey_id: int):
    """The paper copies to print: the one ``?reference=`` names, or those not entered yet."""
    survey = _survey(survey_id)
    references = paper_document.copies_to_print(db.session, survey, request.args.get("reference"))
    if references is None:
        abort(404)
    if not references:
        flash("No paper copy is waiting to be printed: make more copies first", "error")
        return redirect(url_for("response_entry.paper_copies", survey_id=survey.id))
    document = paper_document.paper_document(survey, references, utcnow())
    return attachment(paper_document.paper_pdf(document), f"survey-{survey.id}-paper-copies.pdf")
