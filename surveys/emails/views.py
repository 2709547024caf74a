"""Staff pages for a survey's emails: the three emails, and for each its subject and message
with the guidance checker's advice and the email as it will arrive."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.check_pages import email_frame_response
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.members.mail_check import EXAMPLE_NAME
from surveys.emails import wording
from surveys.emails.advice import wording_findings
from surveys.emails.forms import EmailWordingForm
from surveys.emails.models import EmailKind
from surveys.fieldwork.invitation_preview import example_email_for
from surveys.models import Survey
from surveys.results.feedback_check import feedback_email
from surveys.services.checking import CheckedFinding

blueprint = Blueprint("survey_emails", __name__, url_prefix="/staff/surveys")


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def _kind(kind: str) -> EmailKind:
    try:
        return EmailKind(kind)
    except ValueError:
        abort(404)


def _example(survey: Survey, kind: EmailKind):
    if kind is EmailKind.FEEDBACK:
        return feedback_email(db.session, survey)
    return example_email_for(
        db.session, "invite" if kind is EmailKind.INVITATION else "remind", survey
    )


@blueprint.get("/<int:survey_id>/emails")
@staff_required(*MEMBER_DATA_ROLES)
def index(survey_id: int):
    """The survey's three emails, each with its subject (for the example person) and whether
    the team changed it."""
    survey = _survey(survey_id)
    emails = [
        (
            kind,
            wording.saved_wording(db.session, survey, kind),
            wording.message_for(db.session, survey, kind).subject_for(EXAMPLE_NAME),
        )
        for kind in EmailKind
    ]
    return render_template("surveys/emails/index.html", survey=survey, emails=emails)


@blueprint.route("/<int:survey_id>/emails/<kind>", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def edit(survey_id: int, kind: str):
    """Change an email's subject and message; the advice and the email as it will arrive are
    shown for the wording saved."""
    survey, email_kind = _survey(survey_id), _kind(kind)
    form = EmailWordingForm()
    if form.validate_on_submit():
        try:
            wording.save_wording(
                db.session, survey, current_user, email_kind, form.subject.data or "",
                form.body.data or "", utcnow(),
            )  # fmt: skip
        except wording.EmailWordingError as error:
            show_field_error(form, error, fallback="body")
        else:
            db.session.commit()
            flash(f"{email_kind.label} saved: it is shown below as people will get it", "success")
            return redirect(url_for("survey_emails.edit", survey_id=survey.id, kind=kind))
    elif not form.is_submitted():
        form.subject.data, form.body.data = wording.wording(db.session, survey, email_kind)
    subject, body = wording.wording(db.session, survey, email_kind)
    findings = {
        field: [CheckedFinding(finding, None) for finding in found]
        for field, found in wording_findings(subject, body).items()
    }
    return render_template(
        "surveys/emails/edit.html",
        survey=survey,
        kind=email_kind,
        form=form,
        reset_form=ConfirmForm(),
        saved=wording.saved_wording(db.session, survey, email_kind),
        findings=findings,
        email=_example(survey, email_kind),
        placeholders=[(name, wording.PLACEHOLDERS[name]) for name in wording.ALLOWED[email_kind]],
        fixed_parts=wording.FIXED_PARTS[email_kind],
    ), (400 if form.errors else 200)


@blueprint.post("/<int:survey_id>/emails/<kind>/reset")
@staff_required(*MEMBER_DATA_ROLES)
def reset(survey_id: int, kind: str):
    """Go back to the default wording of the email."""
    survey, email_kind = _survey(survey_id), _kind(kind)
    if ConfirmForm().validate_on_submit():
        wording.reset_wording(db.session, survey, current_user, email_kind, utcnow())
        db.session.commit()
        flash(f"{email_kind.label} is back to the default wording", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for("survey_emails.edit", survey_id=survey.id, kind=kind))


@blueprint.get("/<int:survey_id>/emails/<kind>/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def email_html(survey_id: int, kind: str):
    """The email's HTML as it will arrive, for the frame on the edit page."""
    survey, email_kind = _survey(survey_id), _kind(kind)
    return email_frame_response(_example(survey, email_kind).html_body)
