"""Telling the people who took part about a decision: the check page (how many, where, the
email), a test to oneself, and the confirm step that sends to exactly the people shown."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm
from panel.members.mail_check import AudienceChanged
from surveys.decisions import telling
from surveys.decisions.models import DecisionRecord
from surveys.decisions.register import DecisionError

blueprint = Blueprint("decision_notices", __name__, url_prefix="/staff/decisions")


def _decision(decision_id: int) -> DecisionRecord:
    return get_scoped_or_404(db.session, DecisionRecord, decision_id, current_user)


def _to_detail(decision: DecisionRecord):
    return redirect(url_for("decision_register.detail", decision_id=decision.id))


def _check_page(decision: DecisionRecord, changed: str = "", status: int = 200):
    try:
        check = telling.preview_notice(db.session, decision, current_user)
    except DecisionError as error:
        flash(str(error), "error")
        return _to_detail(decision)
    return render_template(
        "surveys/decisions/tell_check.html",
        decision=decision,
        check=check,
        already_told=telling.already_told(db.session, decision, current_user),
        form=ConfirmForm(),
        changed=changed,
    ), status


@blueprint.get("/<int:decision_id>/tell")
@staff_required(*MEMBER_DATA_ROLES)
def check(decision_id: int):
    """Before anyone is emailed: how many people, where, and the email as it will arrive."""
    return _check_page(_decision(decision_id))


@blueprint.get("/<int:decision_id>/tell/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def email_html(decision_id: int):
    """The example email's HTML for the frame on the check page (no scripts, no requests)."""
    return email_frame_response(telling.example_email(_decision(decision_id)).html_body)


@blueprint.post("/<int:decision_id>/tell/test")
@staff_required(*MEMBER_DATA_ROLES)
def send_test(decision_id: int):
    """Send the example email to the signed-in user."""
    decision = _decision(decision_id)
    if ConfirmForm().validate_on_submit():
        telling.send_test_notice(db.session, decision, current_user, utcnow())
        db.session.commit()
        flash(f"A test email is on its way to {current_user.email}", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for("decision_notices.check", decision_id=decision.id))


@blueprint.post("/<int:decision_id>/tell")
@staff_required(*MEMBER_DATA_ROLES)
@sends_to_many
def send(decision_id: int):
    """Email the people counted on the check page (the confirm step)."""
    decision = _decision(decision_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form had expired: try again", "error")
        return _to_detail(decision)
    try:
        queued = telling.tell_contributors(
            db.session, decision, current_user, utcnow(), request.form.get("expected")
        )
    except AudienceChanged as error:
        db.session.rollback()
        return _check_page(decision, changed=str(error), status=409)
    except DecisionError as error:
        flash(str(error), "error")
        return _to_detail(decision)
    db.session.commit()
    flash(f"{queued:,} people will be emailed over the next few minutes", "success")
    return _to_detail(decision)
