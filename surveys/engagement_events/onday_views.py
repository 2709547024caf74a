"""Staff pages for the day of an event, for its organisers only: the register (one POST per
person, attended, absent or undo; works without JavaScript on a tablet), walk-ins, checking in
from an attendee's QR code, and the notes and outputs page. Pages showing names or needs are
audited."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import MEMBER_DATA_ROLES, staff_required
from panel.database import utcnow
from panel.extensions import db
from panel.field_errors import FieldError
from panel.forms_common import ConfirmForm, show_field_error
from panel.members.models import Member
from surveys.engagement_events import attendance, outputs, services, walk_ins
from surveys.engagement_events.attendance_models import CheckedInBy
from surveys.engagement_events.models import EngagementEvent, EventInvitation
from surveys.engagement_events.onday_forms import FindingForm, SummaryForm, WalkInForm

blueprint = Blueprint("event_day", __name__, url_prefix=attendance.CHECK_IN_PATH)


def _organised(event_id: int) -> EngagementEvent:
    return services.organised_event(db.session, current_user, event_id) or abort(404)


def _register(event: EngagementEvent, walk_in_form=None, problem: str = "", status: int = 200):
    rows = attendance.register_rows(db.session, event)
    record_audit(db.session, current_user, "event.register_view", "engagement_event", [event.id])
    db.session.commit()
    return render_template(
        "surveys/engagement_events/register.html",
        event=event,
        rows=rows,
        counts=attendance.attendance_counts(db.session, event),
        is_open=attendance.register_is_open(event, utcnow()),
        form=ConfirmForm(),
        walk_in_form=walk_in_form or WalkInForm(),
        problem=problem,
    ), status


def _to_register(event: EngagementEvent, anchor: str = ""):
    url = url_for("event_day.register", event_id=event.id)
    return redirect(f"{url}#{anchor}" if anchor else url)


@blueprint.get("/<int:event_id>/register")
@staff_required(*MEMBER_DATA_ROLES)
def register(event_id: int):
    """The register: everyone with a place and the walk-ins, with their access needs."""
    return _register(_organised(event_id))


@blueprint.post("/<int:event_id>/register/<int:invitation_id>")
@staff_required(*MEMBER_DATA_ROLES)
def mark(event_id: int, invitation_id: int):
    """Mark one person attended or absent."""
    event = _organised(event_id)
    invitation = db.session.get(EventInvitation, invitation_id)
    if not ConfirmForm().validate_on_submit():
        return _register(event, problem="That mark was not saved: try again", status=400)
    if invitation is None:
        return _register(event, problem="That person is not invited to this event", status=409)
    came = request.form.get("attended") == "yes"
    try:
        attendance.mark_booked(db.session, event, invitation, came, current_user, utcnow())
    except FieldError as error:
        db.session.rollback()
        return _register(event, problem=str(error), status=409)
    db.session.commit()
    return _to_register(event, f"person-{invitation.id}")


@blueprint.post("/<int:event_id>/register/undo/<int:attendance_id>")
@staff_required(*MEMBER_DATA_ROLES)
def undo(event_id: int, attendance_id: int):
    """Take a mark or a walk-in off the register."""
    event = _organised(event_id)
    if not ConfirmForm().validate_on_submit():
        return _register(event, problem="That was not undone: try again", status=400)
    try:
        name = attendance.undo(db.session, event, attendance_id, utcnow())
    except FieldError as error:
        db.session.rollback()
        return _register(event, problem=str(error), status=409)
    db.session.commit()
    flash(f"The mark for {name} was taken off", "success")
    return _to_register(event)


@blueprint.post("/<int:event_id>/register/walk-in")
@staff_required(*MEMBER_DATA_ROLES)
def walk_in(event_id: int):
    """Add someone who came without booking (and, if they agree, ask to join the panel)."""
    event = _organised(event_id)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            walk_ins.add_walk_in(db.session, event, form.values(), current_user, utcnow())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="first_name")
        else:
            db.session.commit()
            joined = " and asked to join the panel" if form.join_panel.data else ""
            flash(f"{form.first_name.data} {form.last_name.data} added{joined}", "success")
            return _to_register(event)
    return _register(event, walk_in_form=form, status=400)


def _booking(event: EngagementEvent, token: str):
    try:
        return attendance.booking_for_check_in(db.session, event, token, utcnow()), ""
    except FieldError as error:
        return None, str(error)


@blueprint.route("/<int:event_id>/check-in/<token>", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def check_in(event_id: int, token: str):
    """An attendee's QR code, opened by an organiser: who it is, then one button to mark them
    attended (a second scan says they are already marked)."""
    event = _organised(event_id)
    invitation, problem = _booking(event, token)
    marked, status = None, 200 if invitation else 409
    if invitation is not None:
        marked = attendance.attendance_for(db.session, invitation)
        if request.method == "POST" and ConfirmForm().validate_on_submit():
            try:
                attendance.mark_booked(
                    db.session, event, invitation, True, current_user, utcnow(), CheckedInBy.QR_CODE
                )
            except FieldError as error:
                db.session.rollback()
                problem, status = str(error), 409
            else:
                db.session.commit()
                flash(f"{invitation_name(invitation)} marked attended", "success")
                return _to_register(event, f"person-{invitation.id}")
        record_audit(
            db.session, current_user, "event.check_in_view", "event_invitation", [invitation.id]
        )
        db.session.commit()
    return render_template(
        "surveys/engagement_events/check_in.html",
        event=event,
        invitation=invitation,
        name=invitation_name(invitation) if invitation else "",
        marked=marked,
        problem=problem,
        form=ConfirmForm(),
    ), status


def invitation_name(invitation: EventInvitation) -> str:
    """The booked person's name, for the organiser."""
    if invitation.member_id is None:  # registered on the public page
        return invitation.registrant_name or "This person"
    member = db.session.get(Member, invitation.member_id)
    return member.display_name if member else "This person"


def _outputs_page(event, summary_form=None, finding_form=None, status: int = 200):
    saved = outputs.outputs_for(db.session, event)
    if summary_form is None:
        summary_form = SummaryForm(data={"summary": saved.summary if saved else ""})
    return render_template(
        "surveys/engagement_events/outputs.html",
        event=event,
        outputs=saved,
        counts=attendance.attendance_counts(db.session, event),
        findings=outputs.event_findings(db.session, event),
        summary_form=summary_form,
        finding_form=finding_form or FindingForm(prefix="finding"),
    ), status


@blueprint.route("/<int:event_id>/outputs", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def outputs_page(event_id: int):
    """The event's notes and outputs: a summary, and findings for the insight library."""
    event = _organised(event_id)
    if request.method == "GET":
        return _outputs_page(event)
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            outputs.save_summary(db.session, event, form.summary.data, current_user, utcnow())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="summary")
        else:
            db.session.commit()
            flash("Summary saved", "success")
            return redirect(url_for("event_day.outputs_page", event_id=event.id))
    return _outputs_page(event, summary_form=form, status=400)


@blueprint.post("/<int:event_id>/outputs/findings")
@staff_required(*MEMBER_DATA_ROLES)
def add_finding(event_id: int):
    """Add a finding from the event to the insight library."""
    event = _organised(event_id)
    form = FindingForm(prefix="finding")
    if form.validate_on_submit():
        zone = current_app.config["TIMEZONE"]
        try:
            outputs.add_finding(db.session, event, form.values(), current_user, zone, utcnow())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Finding added to the insight library", "success")
            return redirect(url_for("event_day.outputs_page", event_id=event.id))
    return _outputs_page(event, finding_form=form, status=400)
