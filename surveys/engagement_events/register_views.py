"""An event's public registration page: anyone may register while the event's organisers
have registration switched on, until replies close. A closed, cancelled or switched-off event
gets a kind page, never an error."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from panel import i18n
from panel.database import utcnow
from panel.extensions import db, limiter
from panel.field_errors import FieldError
from panel.forms_common import show_field_error
from surveys.engagement_events import registration
from surveys.engagement_events.forms import RegistrationForm
from surveys.engagement_events.models import EngagementEvent, EventStatus

blueprint = Blueprint("event_registration", __name__, url_prefix="/events")


def _kind_page(event: EngagementEvent, reason: str, status: int = 200, invitation=None):
    return render_template(
        "surveys/engagement_events/register_done.html",
        event=event,
        reason=reason,
        invitation=invitation,
    ), status


@blueprint.route("/<int:event_id>/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register(event_id: int):
    """Register for an event: a place if one is free, else the waiting list."""
    event = db.session.get(EngagementEvent, event_id)
    if event is None or event.status is EventStatus.DRAFT:
        abort(404)
    now = utcnow()
    if event.status is EventStatus.CANCELLED:
        return _kind_page(event, "cancelled", 410)
    if not event.registration_open:
        return _kind_page(event, "off", 404)
    if not event.replies_open(now):
        return _kind_page(event, "closed", 410)
    form = RegistrationForm()
    questions = list(event.registration_questions or [])
    answers = form.label_questions(questions)
    if form.validate_on_submit():
        try:
            invitation = registration.register(
                db.session, event, form.values(questions, i18n.joining_language()), now
            )
        except registration.RegistrationClosed:
            db.session.rollback()
            return _kind_page(event, "closed", 410)
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="name")
        else:
            db.session.commit()
            return _kind_page(event, "registered", invitation=invitation)
    return render_template(
        "surveys/engagement_events/register_public.html", form=form, event=event, answers=answers
    ), (400 if form.errors else 200)
