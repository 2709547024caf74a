"""The check before the people who took part are emailed: publishing the results page, and
telling them about a decision added once it is public (nothing is sent from the first click)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm
from panel.members.mail_check import AudienceChanged
from surveys.models import Survey
from surveys.results import feedback_check
from surveys.results.publishing import PublishingError

blueprint = Blueprint("feedback", __name__, url_prefix="/staff/surveys")


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def _to_editor(survey: Survey):
    return redirect(url_for("results.edit_page", survey_id=survey.id))


def _decision_id() -> int | None:
    value = request.values.get("decision", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _check_page(survey: Survey, decision_id: int | None, changed: str = "", status: int = 200):
    try:
        check = feedback_check.preview_feedback(db.session, survey, decision_id)
    except PublishingError as error:
        flash(str(error), "error")
        return _to_editor(survey)
    return render_template(
        "surveys/results/feedback_check.html",
        survey=survey,
        decision_id=decision_id,
        check=check,
        form=ConfirmForm(),
        changed=changed,
    ), status


@blueprint.get("/<int:survey_id>/results/publish")
@staff_required(*MEMBER_DATA_ROLES)
def publish_check(survey_id: int):
    """Before publishing: who will be emailed the results, where, and the email."""
    return _check_page(_survey(survey_id), None)


@blueprint.get("/<int:survey_id>/results/announce")
@staff_required(*MEMBER_DATA_ROLES)
def announce_check(survey_id: int):
    """Before a decision is emailed: who will get it, where, and the email."""
    return _check_page(_survey(survey_id), _decision_id())


@blueprint.get("/<int:survey_id>/results/feedback/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def email_html(survey_id: int):
    """The example feedback email's HTML, for the frame on the check page."""
    survey = _survey(survey_id)
    decision_id = _decision_id()
    decision = None
    if decision_id is not None:
        try:
            decision = feedback_check.decision_to_announce(db.session, survey, decision_id)
        except PublishingError:
            decision = None
    return email_frame_response(
        feedback_check.feedback_email(db.session, survey, decision).html_body
    )


@blueprint.post("/<int:survey_id>/results/feedback/test")
@staff_required(*MEMBER_DATA_ROLES)
def test(survey_id: int):
    """Send the example feedback email to the signed-in user."""
    survey = _survey(survey_id)
    decision_id = _decision_id()
    if ConfirmForm().validate_on_submit():
        feedback_check.send_test_feedback(db.session, survey, decision_id, current_user, utcnow())
        db.session.commit()
        flash(f"A test email is on its way to {current_user.email}", "success")
    if decision_id is None:
        return redirect(url_for("feedback.publish_check", survey_id=survey.id))
    return redirect(url_for("feedback.announce_check", survey_id=survey.id, decision=decision_id))


@blueprint.post("/<int:survey_id>/results/publish")
@staff_required(*MEMBER_DATA_ROLES)
@sends_to_many
def publish(survey_id: int):
    """Publish the results page and email the people who took part (from the check page)."""
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(url_for("feedback.publish_check", survey_id=survey.id))
    try:
        queued = feedback_check.publish_checked(
            db.session, survey, current_user, request.form["expected"], utcnow()
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _check_page(survey, None, str(changed), 409)
    except PublishingError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Results published. {queued:,} people who took part are being emailed.", "success")
    return _to_editor(survey)


@blueprint.post("/<int:survey_id>/results/announce")
@staff_required(*MEMBER_DATA_ROLES)
@sends_to_many
def announce(survey_id: int):
    """Email a decision to the people who took part (from the check page)."""
    survey = _survey(survey_id)
    decision_id = _decision_id()
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(
            url_for("feedback.announce_check", survey_id=survey.id, decision=decision_id)
        )
    try:
        queued = feedback_check.announce_checked(
            db.session, survey, decision_id, current_user, request.form["expected"], utcnow()
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _check_page(survey, decision_id, str(changed), 409)
    except PublishingError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{queued:,} people who took part are being told about the decision.", "success")
    return _to_editor(survey)
