"""The check before a bulletin goes: sent now or scheduled (from the schedule form), and
"resend these N"; nothing is sent or scheduled from the first click."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mailer.bulletins.models import Bulletin, IllegalTransition
from mailer.bulletins.services import audience, send_check
from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm
from panel.members.mail_check import AudienceChanged
from panel.segments.services.special_category import SpecialCategoryRefused

blueprint = Blueprint("bulletin_checks", __name__, url_prefix="/staff/bulletins")
EDITORS = tuple(MEMBER_DATA_ROLES)


def _bulletin(bulletin_id: int) -> Bulletin:
    return get_scoped_or_404(db.session, Bulletin, bulletin_id, current_user)


def _to_detail(bulletin: Bulletin):
    return redirect(url_for("bulletins.detail", bulletin_id=bulletin.id))


def _when(value: str) -> datetime | None:
    """ "now" as None; a time as the UTC instant it names; 400 for anything else."""
    if value == "now":
        return None
    try:
        when = datetime.fromisoformat(value[:40])
    except ValueError:
        abort(400)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _page(bulletin: Bulletin, kind: str, at: str = "now", changed: str = "", status: int = 200):
    now = utcnow()
    send_at = _when(at)
    if kind == "send" and send_at is not None and send_at <= now:
        flash("That send time has passed: choose another", "error")
        return redirect(url_for("bulletins.schedule_send", bulletin_id=bulletin.id))
    try:
        if kind == "send":
            check = send_check.preview_send(db.session, bulletin, current_user, now)
        else:
            check = send_check.preview_resend(db.session, bulletin, now)
    except audience.AudienceError as error:
        db.session.commit()  # the audit of a refused segment, if that was it
        flash(str(error), "error")
        return _to_detail(bulletin)
    db.session.commit()  # the equality-data rule's audit of the count, if the segment uses it
    return render_template(
        "mailer/bulletins/send_check.html",
        bulletin=bulletin,
        kind=kind,
        at=at,
        send_at=send_at,
        state=send_check.state_of(bulletin),
        check=check,
        form=ConfirmForm(),
        changed=changed,
    ), status


@blueprint.get("/<int:bulletin_id>/send/check")
@staff_required(*EDITORS)
def send_page(bulletin_id: int):
    """Before the bulletin is sent or scheduled: who gets it, where, and the email."""
    return _page(_bulletin(bulletin_id), "send", request.args.get("at", "now"))


@blueprint.get("/<int:bulletin_id>/resend")
@staff_required(*EDITORS)
def resend_page(bulletin_id: int):
    """Before "resend these N": who gets it again, where, and the email."""
    return _page(_bulletin(bulletin_id), "resend")


@blueprint.get("/<int:bulletin_id>/check/email.html")
@staff_required(*EDITORS)
def email_html(bulletin_id: int):
    """The example bulletin's HTML, for the frame on the check page."""
    return email_frame_response(send_check.bulletin_email(_bulletin(bulletin_id)).html_body)


@blueprint.post("/<int:bulletin_id>/check/test")
@staff_required(*EDITORS)
def test(bulletin_id: int):
    """Send the example bulletin to the signed-in user, then back to the check page."""
    bulletin = _bulletin(bulletin_id)
    if ConfirmForm().validate_on_submit():
        send_check.send_test_bulletin(db.session, bulletin, current_user, utcnow())
        db.session.commit()
        flash(f"A test copy is on its way to {current_user.email}", "success")
    if request.form.get("kind") == "resend":
        return redirect(url_for("bulletin_checks.resend_page", bulletin_id=bulletin.id))
    at = request.form.get("at", "now")
    return redirect(url_for("bulletin_checks.send_page", bulletin_id=bulletin.id, at=at))


@blueprint.post("/<int:bulletin_id>/send")
@staff_required(*EDITORS)
@sends_to_many
def send(bulletin_id: int):
    """Send now or schedule (the second click, from the check page)."""
    bulletin = _bulletin(bulletin_id)
    at = request.form.get("at", "now")
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(url_for("bulletin_checks.send_page", bulletin_id=bulletin.id, at=at))
    now, send_at = utcnow(), _when(at)
    if send_at is not None and send_at <= now:
        flash("That send time passed while the page was open: choose another", "error")
        return redirect(url_for("bulletins.schedule_send", bulletin_id=bulletin.id))
    try:
        check = send_check.schedule_checked(
            db.session,
            bulletin,
            current_user,
            send_at or now,
            expected=request.form["expected"],
            state=request.form.get("state"),
            now=now,
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _page(bulletin, "send", at, str(changed), 409)
    except (IllegalTransition, SpecialCategoryRefused, audience.AudienceError) as error:
        db.session.commit()  # the audit of a refused segment, if that was it
        flash(str(error), "error")
        return _to_detail(bulletin)
    db.session.commit()
    when = "in the next minute" if at == "now" else "at the time shown below"
    flash(f"Scheduled: {check.recipients:,} people will get it {when}.", "success")
    return _to_detail(bulletin)


@blueprint.post("/<int:bulletin_id>/resend")
@staff_required(*EDITORS)
@sends_to_many
def resend(bulletin_id: int):
    """Send again to the people whose batch failed or is unknown (from the check page)."""
    bulletin = _bulletin(bulletin_id)
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(url_for("bulletin_checks.resend_page", bulletin_id=bulletin.id))
    try:
        count = send_check.resend_checked(
            db.session, bulletin, current_user, request.form["expected"], utcnow()
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _page(bulletin, "resend", changed=str(changed), status=409)
    except IllegalTransition as error:
        flash(str(error), "error")
        return _to_detail(bulletin)
    db.session.commit()
    flash(f"{count:,} people will be sent the bulletin again in the next minute.", "success")
    return _to_detail(bulletin)
