"""The communications team's re-consent campaigns: who is affected and why, planning a
campaign with its deadline, the check page (by place, the email, a test) and the second click
that sends it; afterwards its answers by place and what the deadline will delete."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.field_errors import FieldError
from panel.forms_common import ConfirmForm, show_field_error
from panel.members import reference
from panel.members.mail_check import AudienceChanged
from panel.reconsent import campaigns, reminders
from panel.reconsent.affected import Wordings
from panel.reconsent.figures import campaign_figures
from panel.reconsent.forms import CampaignForm
from panel.reconsent.models import CampaignStatus, ReconsentCampaign

blueprint = Blueprint("reconsent", __name__, url_prefix="/staff/consent")


def _campaign(campaign_id: int) -> ReconsentCampaign:
    return db.session.get(ReconsentCampaign, campaign_id) or abort(404)


@blueprint.route("/", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def index():
    """The current wordings, who is affected now and why, the campaigns, and planning one."""
    form = CampaignForm()
    now = utcnow()
    if form.validate_on_submit():
        try:
            campaign = campaigns.plan_campaign(
                db.session, current_user, form.deadline.data, current_app.config["TIMEZONE"], now
            )
        except FieldError as error:
            show_field_error(form, error, fallback="deadline")
        else:
            db.session.commit()
            return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
    wordings = Wordings.current(current_app.config["RECONSENT_MAX_AGE_DAYS"])
    return render_template(
        "panel/reconsent/index.html",
        form=form,
        wordings=wordings,
        equality_text=reference.SPECIAL_CATEGORY_CONSENT_TEXT,
        affected=campaigns.affected_now(db.session, wordings, now),
        campaigns=campaigns.all_campaigns(db.session),
    ), 400 if form.errors else 200


def _check_page(campaign: ReconsentCampaign, changed: str = "", status: int = 200):
    if campaign.status is not CampaignStatus.DRAFT:
        rows, total = campaign_figures(db.session, campaign)
        return render_template(
            "panel/reconsent/campaign.html", campaign=campaign, rows=rows, total=total
        ), status
    return render_template(
        "panel/reconsent/check.html",
        campaign=campaign,
        check=campaigns.check_campaign(db.session, campaign, utcnow()),
        form=ConfirmForm(),
        changed=changed,
    ), status


@blueprint.get("/<int:campaign_id>")
@staff_required(Role.COMMS)
def campaign(campaign_id: int):
    """A draft: who it would ask, why, by place, and the email. Sent: its answers by place."""
    return _check_page(_campaign(campaign_id))


@blueprint.get("/<int:campaign_id>/email.html")
@staff_required(Role.COMMS)
def email_html(campaign_id: int):
    """The example email's HTML for the frame on the check page (no scripts, no requests)."""
    return email_frame_response(campaigns.example_email(_campaign(campaign_id)).html_body)


@blueprint.post("/<int:campaign_id>/test")
@staff_required(Role.COMMS)
def send_test(campaign_id: int):
    """Send the example email to the signed-in user."""
    campaign = _campaign(campaign_id)
    if ConfirmForm().validate_on_submit():
        campaigns.send_test(db.session, campaign, current_user, utcnow())
        db.session.commit()
        flash(f"A test email is on its way to {current_user.email}", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))


@blueprint.post("/<int:campaign_id>/send")
@staff_required(Role.COMMS)
@sends_to_many
def send(campaign_id: int):
    """Ask the people counted on the check page (the confirm step)."""
    campaign = _campaign(campaign_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form had expired: try again", "error")
        return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
    try:
        asked = campaigns.send_campaign(
            db.session, campaign, current_user, utcnow(), request.form.get("expected")
        )
    except AudienceChanged as error:
        db.session.rollback()
        return _check_page(campaign, changed=str(error), status=409)
    except campaigns.CampaignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
    db.session.commit()
    flash(f"{asked:,} people will be asked over the next few minutes", "success")
    return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))


def _remind_page(campaign: ReconsentCampaign, changed: str = "", status: int = 200):
    try:
        check = reminders.check_reminder(db.session, campaign, utcnow())
    except campaigns.CampaignError as error:
        flash(str(error), "error")
        return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
    return render_template(
        "panel/reconsent/remind_check.html",
        campaign=campaign,
        check=check,
        form=ConfirmForm(),
        changed=changed,
    ), status


@blueprint.get("/<int:campaign_id>/remind")
@staff_required(Role.COMMS)
def remind(campaign_id: int):
    """Before the reminder goes: who has not answered, by place, and the email."""
    return _remind_page(_campaign(campaign_id))


@blueprint.get("/<int:campaign_id>/remind/email.html")
@staff_required(Role.COMMS)
def remind_email_html(campaign_id: int):
    """The example reminder's HTML for the frame on its check page."""
    return email_frame_response(reminders.example_reminder(_campaign(campaign_id)).html_body)


@blueprint.post("/<int:campaign_id>/remind/test")
@staff_required(Role.COMMS)
def remind_test(campaign_id: int):
    """Send the example reminder to the signed-in user."""
    campaign = _campaign(campaign_id)
    if ConfirmForm().validate_on_submit():
        reminders.send_test_reminder(db.session, campaign, current_user, utcnow())
        db.session.commit()
        flash(f"A test email is on its way to {current_user.email}", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for("reconsent.remind", campaign_id=campaign.id))


@blueprint.post("/<int:campaign_id>/remind")
@staff_required(Role.COMMS)
@sends_to_many
def remind_send(campaign_id: int):
    """Remind the people counted on the reminder's check page (the confirm step)."""
    campaign = _campaign(campaign_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form had expired: try again", "error")
        return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
    try:
        reminded = reminders.send_reminder(
            db.session, campaign, current_user, utcnow(), request.form.get("expected")
        )
    except AudienceChanged as error:
        db.session.rollback()
        return _remind_page(campaign, changed=str(error), status=409)
    except campaigns.CampaignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
    db.session.commit()
    flash(f"{reminded:,} people will be reminded over the next few minutes", "success")
    return redirect(url_for("reconsent.campaign", campaign_id=campaign.id))
