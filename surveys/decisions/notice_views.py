"""Telling the people who took part about a decision: the check page (how many, where, the
email), a test to oneself, and the second click that sends."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm
from surveys.decisions import telling
from surveys.decisions.models import DecisionRecord
from surveys.decisions.register import DecisionError

blueprint = Blueprint("decision_notices", __name__, url_prefix="/staff/decisions")

#: an email's HTML shown in a frame: its inline styles and images, no scripts, no requests out.
EMAIL_PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; "
    "frame-ancestors 'self'; sandbox"
)


def _decision(decision_id: int) -> DecisionRecord:
    return get_scoped_or_404(db.session, DecisionRecord, decision_id, current_user)


def _to_detail(decision: DecisionRecord):
    return redirect(url_for("decision_register.detail", decision_id=decision.id))


@blueprint.get("/<int:decision_id>/tell")
@staff_required(*MEMBER_DATA_ROLES)
def check(decision_id: int):
    """Before anyone is emailed: how many people, where, and the email as it will arrive."""
    decision = _decision(decision_id)
    try:
        preview = telling.preview_notice(db.session, decision, current_user)
    except DecisionError as error:
        flash(str(error), "error")
        return _to_detail(decision)
    return render_template(
        "surveys/decisions/tell_check.html", decision=decision, preview=preview, form=ConfirmForm()
    )


@blueprint.get("/<int:decision_id>/tell/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def email_html(decision_id: int):
    """The example email's HTML for the frame on the check page (no scripts, no requests)."""
    decision = _decision(decision_id)
    response = make_response(telling.example_email(decision).html_body)
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


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
def send(decision_id: int):
    """Email the people counted on the check page (the second click)."""
    decision = _decision(decision_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form had expired: try again", "error")
        return _to_detail(decision)
    expected = request.form.get("expected", type=int)
    try:
        queued = telling.tell_contributors(db.session, decision, current_user, utcnow(), expected)
    except DecisionError as error:
        flash(str(error), "error")
        return redirect(url_for("decision_notices.check", decision_id=decision.id))
    db.session.commit()
    flash(f"{queued:,} people will be emailed over the next few minutes", "success")
    return _to_detail(decision)
