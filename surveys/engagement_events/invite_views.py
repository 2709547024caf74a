"""Inviting people to an event from a saved fair selection or a segment: the check page (who,
where, who is left out and why, the email) and the send on the second, deliberate click. For the
event's organisers only (the communications team, or the place team of the event's place)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, staff_required
from panel.check_pages import email_frame_response, sends_to_many
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, requested_id
from panel.members.mail_check import AudienceChanged
from panel.segments.models import FairSelection
from panel.segments.services.segments import get_segment_or_404
from surveys.engagement_events import invite_checks
from surveys.engagement_events.services import organised_event

blueprint = Blueprint("event_invitations", __name__, url_prefix="/staff/events")


def _event(event_id: int):
    event = organised_event(db.session, current_user, event_id)
    if event is None:
        abort(404)
    return event


def _source() -> dict:
    """The selection or segment named in the query string (one the user may see), as keyword
    arguments for the service; a missing or another team's one is a 404."""
    if "selection" in request.args:
        selection = db.session.get(FairSelection, requested_id("selection") or 0)
        if selection is None:
            abort(404)
        get_segment_or_404(db.session, selection.segment_id, current_user)
        return {"selection": selection}
    if "segment" in request.args:
        return {
            "segment": get_segment_or_404(db.session, requested_id("segment") or 0, current_user)
        }
    abort(404)


def _args(source: dict) -> dict:
    return {name: record.id for name, record in source.items()}


def _to_event(event):
    return redirect(url_for("engagement_events.detail", event_id=event.id))


def _check_page(event, source: dict, changed: str = "", status: int = 200):
    try:
        check = invite_checks.preview_event_invitation(
            db.session, event, current_user, utcnow(), **source
        )
    except invite_checks.EventInviteError as error:
        db.session.commit()  # nothing but the equality-data rule's audit, if that was it
        flash(str(error), "error")
        return _to_event(event)
    db.session.commit()  # the equality-data rule's audit of the count, if the source uses it
    page = render_template(
        "surveys/engagement_events/invite_check.html",
        event=event,
        check=check,
        args=_args(source),
        form=ConfirmForm(),
        changed=changed,
    )
    return page, status


@blueprint.get("/<int:event_id>/invite")
@staff_required(*MEMBER_DATA_ROLES)
def invite_check(event_id: int):
    """Before anyone is emailed: how many people, where, who is left out, and the email."""
    event = _event(event_id)
    return _check_page(event, _source())


@blueprint.get("/<int:event_id>/invite/email.html")
@staff_required(*MEMBER_DATA_ROLES)
def invite_email_html(event_id: int):
    """The example invitation's HTML, for the frame on the check page."""
    return email_frame_response(invite_checks.example_email_for(_event(event_id)).html_body)


@blueprint.post("/<int:event_id>/invite/test")
@staff_required(*MEMBER_DATA_ROLES)
def invite_test(event_id: int):
    """Send the example invitation to the signed-in user."""
    event, source = _event(event_id), _source()
    if ConfirmForm().validate_on_submit():
        invite_checks.send_test_email(db.session, event, current_user, utcnow())
        db.session.commit()
        flash(f"A test invitation is on its way to {current_user.email}", "success")
    else:
        flash("The form had expired: try again", "error")
    return redirect(url_for("event_invitations.invite_check", event_id=event.id, **_args(source)))


@blueprint.post("/<int:event_id>/invite")
@staff_required(*MEMBER_DATA_ROLES)
@sends_to_many
def invite(event_id: int):
    """Invite the people the check page counted (the second click)."""
    event, source = _event(event_id), _source()
    if not ConfirmForm().validate_on_submit() or "expected" not in request.form:
        return redirect(
            url_for("event_invitations.invite_check", event_id=event.id, **_args(source))
        )
    try:
        outcome = invite_checks.invite_checked(
            db.session, event, current_user, request.form["expected"], utcnow(), **source
        )
    except AudienceChanged as changed:
        db.session.rollback()
        return _check_page(event, source, str(changed), 409)
    except invite_checks.EventInviteError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        reserves = f"; {outcome.reserves:,} reserves kept in order" if outcome.reserves else ""
        flash(
            f"{outcome.invited:,} people invited{reserves}. The emails go out shortly.", "success"
        )
    return _to_event(event)
