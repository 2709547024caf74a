"""The invitee's reply page, opened from the email without signing in: yes or no, needs, and
giving up a place. A used, closed or cancelled link gets a kind page, never an error."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from panel.database import utcnow
from panel.extensions import db, limiter
from panel.field_errors import FieldError
from panel.forms_common import ConfirmForm, show_field_error
from panel.qr import qr_data_uri
from surveys.engagement_events import replies
from surveys.engagement_events.attendance import check_in_code
from surveys.engagement_events.forms import ReplyForm
from surveys.engagement_events.models import EventStatus, InvitationState

blueprint = Blueprint("event_replies", __name__, url_prefix=replies.REPLY_PATH)

HOLDING = (InvitationState.CONFIRMED, InvitationState.WAITING)


def _kind_page(invitation, reason: str, status: int = 200):
    return render_template(
        "surveys/engagement_events/reply_done.html", invitation=invitation, reason=reason
    ), status


@blueprint.route("/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def reply(token: str):
    """Reply yes or no, or give up a place or a waiting-list spot."""
    invitation, unused = replies.find_invitation(db.session, token)
    if invitation is None:
        abort(404)
    event, now = invitation.event, utcnow()
    if event.status is EventStatus.CANCELLED:
        return _kind_page(invitation, "cancelled", 410)
    if not unused:
        return _kind_page(invitation, "used")
    holding = invitation.state in HOLDING
    if not holding and not event.replies_open(now):
        return _kind_page(invitation, "closed", 410)
    form = ConfirmForm() if holding else ReplyForm()
    if form.validate_on_submit():
        fields = replies.ReplyFields(coming=False) if holding else form.values()
        try:
            replies.reply(db.session, invitation, fields, now)
        except replies.RepliesClosed:
            db.session.rollback()
            return _kind_page(invitation, "closed", 410)
        except FieldError as error:
            show_field_error(form, error, fallback="coming")
        else:
            db.session.commit()
            return _kind_page(invitation, "replied")
    status = 400 if form.errors else 200
    return render_template(
        "surveys/engagement_events/reply.html",
        form=form,
        event=event,
        invitation=invitation,
        holding=holding,
        check_in=check_in_code(invitation, now, qr_data_uri),
    ), status
