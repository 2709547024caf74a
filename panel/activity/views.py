"""Staff pages for members' activity: response rates and cohorts' retention, and the round of
"are you still interested?" emails (its check page, a test to oneself and the confirm step)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.activity import figures, inactivity
from panel.auth.access import MEMBER_DATA_ROLES, staff_required
from panel.auth.models import Role
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm
from panel.members.mail_check import AudienceChanged

blueprint = Blueprint("activity", __name__, url_prefix="/staff/activity")


@blueprint.get("/")
@staff_required(*MEMBER_DATA_ROLES)
def index():
    """Response rates and joining cohorts' retention (by place or age band), and where the
    inactivity cycle stands."""
    grouping = request.args.get("by", "place")
    if grouping not in figures.GROUPINGS:
        grouping = "place"
    now = utcnow()
    total, rates = figures.response_rates(db.session, current_user, now, grouping)
    return render_template(
        "panel/activity/index.html",
        grouping=grouping,
        groupings=figures.GROUPINGS,
        total=total,
        rates=rates,
        rate_rows=[figures.rate_chart_row(row) for row in rates],
        cohorts=figures.cohorts(db.session, current_user, now, grouping),
        status=inactivity.round_status(db.session, now),
        rules=inactivity.inactivity_rules(),
        window_days=figures.RATE_WINDOW_DAYS,
    )


def _check_page(changed: str = "", status: int = 200):
    now = utcnow()
    return render_template(
        "panel/activity/check.html",
        check=inactivity.check_round(db.session, now),
        rules=inactivity.inactivity_rules(),
        deadline=inactivity.inactivity_rules().deadline(now),
        form=ConfirmForm(),
        changed=changed,
    ), status


@blueprint.get("/still-interested")
@staff_required(Role.COMMS)
def check():
    """Before anyone is asked: how many silent members, where, the email and the deadline."""
    return _check_page()


@blueprint.get("/still-interested/email.html")
@staff_required(Role.COMMS)
def email_html():
    """The example email's HTML for the frame on the check page."""
    return email_frame_response(inactivity.example_email(utcnow()).html_body)


@blueprint.post("/still-interested/test")
@staff_required(Role.COMMS)
def send_test():
    """Send the example email to the signed-in user."""
    if ConfirmForm().validate_on_submit():
        inactivity.send_test(db.session, current_user, utcnow())
        db.session.commit()
        flash(f"A test email is on its way to {current_user.email}", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for("activity.check"))


@blueprint.post("/still-interested")
@staff_required(Role.COMMS)
@sends_to_many
def start_round():
    """Ask the people counted on the check page (the confirm step)."""
    if not ConfirmForm().validate_on_submit():
        flash("The form had expired: try again", "error")
        return redirect(url_for("activity.check"))
    try:
        asked = inactivity.start_round(
            db.session, current_user, utcnow(), request.form.get("expected")
        )
    except AudienceChanged as error:
        db.session.rollback()
        return _check_page(changed=str(error), status=409)
    db.session.commit()
    flash(f"{asked:,} people will be asked over the next few minutes", "success")
    return redirect(url_for("activity.index"))
