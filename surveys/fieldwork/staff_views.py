"""Staff fieldwork pages: invite the audience, share open links, watch responses come in."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, requested_id
from panel.members.mail_check import AudienceChanged
from panel.qr import qr_data_uri
from panel.segments.services.fatigue import target_counts
from surveys.engagement_events.attendance import attendee_member_ids
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.services import visible_events
from surveys.fieldwork import invitation_preview, invitations, retention, stats
from surveys.fieldwork.forms import OpenLinkForm
from surveys.models import Survey

blueprint = Blueprint("fieldwork", __name__, url_prefix="/staff/surveys")


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def _to_fieldwork(survey: Survey):
    return redirect(url_for("fieldwork.overview", survey_id=survey.id))


@blueprint.get("/<int:survey_id>/fieldwork")
@staff_required(*ALL_STAFF)
def overview(survey_id: int, link_form: OpenLinkForm | None = None):
    """Fieldwork: who will be invited, open links and response rates."""
    survey = _survey(survey_id)
    targeting, targeting_problem = None, ""
    if current_user.role in MEMBER_DATA_ROLES and survey.audience.value != "public":
        try:
            query = invitations.audience_query(db.session, survey, current_user, utcnow())
            targeting = target_counts(db.session, query, utcnow())
        except invitations.InvitationError as error:
            targeting_problem = str(error)
        db.session.commit()  # the equality-data rule's audit of the count (or its refusal)
    base = current_app.config["PUBLIC_BASE_URL"]
    links = [
        (link, f"{base}/o/{link.code}", qr_data_uri(f"{base}/o/{link.code}"))
        for link in invitations.open_links(db.session, survey)
    ]
    removed = retention.removed_notice(survey)
    return render_template(
        "surveys/fieldwork/overview.html",
        survey=survey,
        figures=None if removed else stats.fieldwork(db.session, survey),
        removed=removed,
        unsent_removed=retention.unsent_removed_notice(
            survey, utcnow(), current_app.config["RETENTION_UNSENT_RESPONSE_DAYS"]
        ),
        targeting=targeting,
        targeting_problem=targeting_problem,
        links=links,
        form=ConfirmForm(),
        link_form=link_form or OpenLinkForm(),
    )


CHECKS = {
    "invite": {
        "title": "Check the invitation before you send it",
        "noun": "invitation",
        "rules": "That is everyone in the survey's audience who was not invited before, less "
        "people who paused invitations, have reached the contact cap or cannot be emailed",
    },
    "remind": {
        "title": "Check the reminder before you send it",
        "noun": "reminder",
        "rules": "That is everyone invited who has not answered and has not had a reminder, less "
        "people who paused invitations, left, or cannot be emailed",
    },
}


def _attendees_of(survey: Survey) -> EngagementEvent | None:
    """The event named by ``?attendees_of=``, whose attendees alone the invitation goes to (a
    follow-up survey); it must be one the user may see and linked to this survey."""
    if "attendees_of" not in request.args:
        return None
    event_id = requested_id("attendees_of")
    if event_id is None:
        abort(404)
    event = db.session.scalars(
        visible_events(current_user).where(
            EngagementEvent.id == event_id, EngagementEvent.survey_id == survey.id
        )
    ).first()
    if event is None:
        abort(404)
    return event


def _only(event: EngagementEvent | None):
    return attendee_member_ids(event) if event is not None else None


def _check_page(survey: Survey, kind: str, changed: str = "", status: int = 200):
    now, event = utcnow(), _attendees_of(survey)
    try:
        if kind == "invite":
            check = invitation_preview.preview_invitation(
                db.session, survey, current_user, now, _only(event)
            )
        else:
            check = invitation_preview.preview_reminder(db.session, survey, now)
    except invitations.InvitationError as error:
        flash(str(error), "error")
        db.session.commit()  # nothing but the audit of a refused segment, if that was it
        return _to_fieldwork(survey)
    db.session.commit()  # the equality-data rule's audit of the count, if the segment uses it
    reminder = (
        invitation_preview.planned_reminder(db.session, survey, check) if kind == "invite" else None
    )
    text = CHECKS[kind]
    if event is not None:
        text = {
            "title": "Check the follow-up survey before you send it",
            "noun": "invitation",
            "rules": f"That is everyone marked attended at {event.title} who was not invited "
            "to this survey before, less people who paused invitations, have reached the contact "
            "cap or cannot be emailed",
        }
    page = render_template(
        "surveys/fieldwork/mail_check.html",
        survey=survey,
        kind=kind,
        reminder=reminder,
        attendees_of=event,
        text=text,
        check=check,
        form=ConfirmForm(),
        changed=changed,
    )
    return page, status


@blueprint.get("/<int:survey_id>/invite")
@staff_required(*MEMBER_DATA_ROLES)
def invite_confirm(survey_id: int):
    """Before anyone is emailed: how many people, where, and the email as it will arrive."""
    return _check_page(_survey(survey_id), "invite")


@blueprint.get("/<int:survey_id>/remind")
@staff_required(*MEMBER_DATA_ROLES)
def remind_confirm(survey_id: int):
    """Before a reminder goes: how many people, where, and the email as it will arrive."""
    return _check_page(_survey(survey_id), "remind")


def _email_html(survey_id: int, kind: str):
    survey = _survey(survey_id)
    return email_frame_response(
        invitation_preview.example_email_for(db.session, kind, survey).html_body
    )


def _test(survey_id: int, kind: str):
    survey = _survey(survey_id)
    if ConfirmForm().validate_on_submit():
        invitation_preview.send_test_email(db.session, kind, survey, current_user, utcnow())
        db.session.commit()
        flash(f"A test {CHECKS[kind]['noun']} is on its way to {current_user.email}", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for(f"fieldwork.{kind}_confirm", survey_id=survey.id))


@blueprint.get("/<int:survey_id>/invite/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def invite_email_html(survey_id: int):
    """The example invitation's HTML, for the frame on the check page."""
    return _email_html(survey_id, "invite")


@blueprint.get("/<int:survey_id>/remind/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def remind_email_html(survey_id: int):
    """The example reminder's HTML, for the frame on the check page."""
    return _email_html(survey_id, "remind")


@blueprint.post("/<int:survey_id>/invite/test")
@staff_required(*MEMBER_DATA_ROLES)
def invite_test(survey_id: int):
    """Send the example invitation to the signed-in user."""
    return _test(survey_id, "invite")


@blueprint.post("/<int:survey_id>/remind/test")
@staff_required(*MEMBER_DATA_ROLES)
def remind_test(survey_id: int):
    """Send the example reminder to the signed-in user."""
    return _test(survey_id, "remind")


@blueprint.post("/<int:survey_id>/invite")
@staff_required(*MEMBER_DATA_ROLES)
@sends_to_many
def invite(survey_id: int):
    """Invite the survey's audience (the second click, from the check page)."""
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(
            url_for(
                "fieldwork.invite_confirm",
                survey_id=survey.id,
                attendees_of=requested_id("attendees_of"),
            )
        )
    now, event = utcnow(), _attendees_of(survey)
    try:
        result = invitation_preview.invite_checked(
            db.session,
            survey,
            current_user,
            request.form["expected"],
            now,
            _only(event),
            f"to the attendees of event {event.id}" if event else "",
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _check_page(survey, "invite", str(changed), 409)
    except invitations.InvitationError as error:
        flash(str(error), "error")
        db.session.commit()  # nothing but the audit of a refused segment, if that was it
    else:
        db.session.commit()
        flash(
            f"{result.invited:,} people invited; {result.skipped:,} skipped because of contact "
            "caps, pauses or unsubscribes. The emails go out over the next few minutes.",
            "success",
        )
    return _to_fieldwork(survey)


@blueprint.post("/<int:survey_id>/remind")
@staff_required(*MEMBER_DATA_ROLES)
@sends_to_many
def remind(survey_id: int):
    """Send the reminder (the second click, from the check page)."""
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(url_for("fieldwork.remind_confirm", survey_id=survey.id))
    try:
        sent = invitation_preview.remind_checked(
            db.session, survey, current_user, request.form["expected"], utcnow()
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _check_page(survey, "remind", str(changed), 409)
    except invitations.InvitationError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{sent:,} reminders are on their way.", "success")
    return _to_fieldwork(survey)


@blueprint.post("/<int:survey_id>/open-links")
@staff_required(*MEMBER_DATA_ROLES)
def add_open_link(survey_id: int):
    """Add an open link to the survey."""
    survey = _survey(survey_id)
    form = OpenLinkForm()
    if form.validate_on_submit():
        try:
            invitations.create_open_link(
                db.session, survey, current_user, form.source.data, utcnow()
            )
        except invitations.InvitationError as error:
            form.source.errors.append(str(error))
        else:
            db.session.commit()
            return _to_fieldwork(survey)
    return overview(survey_id, link_form=form), 400
