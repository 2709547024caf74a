"""Staff pages for events: the list, adding and changing an event, and one event's figures.
Every staff role reads; the communications team and place teams (their places) organise."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.field_errors import FieldError
from panel.forms_common import show_field_error
from panel.segments.models import FairSelection
from surveys.decisions import public, register
from surveys.engagement_events import services
from surveys.engagement_events.forms import ICB_WIDE, EventForm
from surveys.engagement_events.invite_checks import invite_choices
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.registration import registrants_for_organisers
from surveys.engagement_events.replies import needs_for_organisers, place_counts
from surveys.engagement_events.reserves import strata_short_of_reserves

blueprint = Blueprint("engagement_events", __name__, url_prefix="/staff/events")


def _event(event_id: int) -> EngagementEvent:
    event = db.session.scalars(
        services.visible_events(current_user).where(EngagementEvent.id == event_id)
    ).first()
    if event is None:
        abort(404)
    return event


def _form(event: EngagementEvent | None = None) -> EventForm:
    form = EventForm(obj=event)
    places = public.places(db.session)
    mine = [(str(p.id), p.name) for p in places if p.id in current_user.place_ids]
    everywhere = [ICB_WIDE, *[(str(p.id), p.name) for p in places]]
    form.place_id.choices = mine if current_user.role is Role.PLACE else everywhere
    surveys = register.linkable_surveys(db.session, current_user)
    form.survey_id.choices = [("", "No survey"), *[(str(s.id), s.title) for s in surveys]]
    decisions = register.decisions_for(db.session, current_user)
    form.decision_id.choices = [("", "No decision"), *[(str(d.id), d.title) for d in decisions]]
    if event is not None and not form.is_submitted():
        services.fill_form_times(form, event, current_app.config["TIMEZONE"])
    return form


@blueprint.get("/")
@staff_required(*ALL_STAFF)
def index():
    """Every event the user may see, soonest first."""
    events = db.session.scalars(services.visible_events(current_user)).all()
    return render_template(
        "surveys/engagement_events/index.html",
        events=events,
        can_add=current_user.role in MEMBER_DATA_ROLES,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def new():
    """Add an event."""
    form = _form()
    if form.validate_on_submit():
        zone = current_app.config["TIMEZONE"]
        try:
            event = services.create_event(db.session, current_user, form.values(), zone, utcnow())
        except FieldError as error:
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Event added", "success")
            return redirect(url_for("engagement_events.detail", event_id=event.id))
    status = 400 if form.errors else 200
    return render_template("surveys/engagement_events/form.html", form=form, event=None), status


@blueprint.get("/<int:event_id>")
@staff_required(*ALL_STAFF)
def detail(event_id: int):
    """One event: its details and how many are confirmed, waiting and invited."""
    event = _event(event_id)
    can_edit = current_user.role in MEMBER_DATA_ROLES and services.can_organise(current_user, event)
    can_invite = can_edit and event.replies_open(utcnow())
    selections, segments = invite_choices(db.session, current_user) if can_invite else ([], [])
    selection = db.session.get(FairSelection, event.selection_id) if event.selection_id else None
    return render_template(
        "surveys/engagement_events/detail.html",
        event=event,
        counts=place_counts(db.session, event),
        can_edit=can_edit,
        can_invite=can_invite,
        selections=selections,
        segments=segments,
        short_strata=strata_short_of_reserves(db.session, event),
        # a selection balanced on equality answers names its groups to the comms team only
        show_strata=selection is not None
        and (not selection.special_category_fields or current_user.role is Role.COMMS),
    )


@blueprint.route("/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def edit(event_id: int):
    """Change an event (a capacity below the confirmed count is refused beside the field)."""
    event = _event(event_id)
    if not services.can_organise(current_user, event):
        abort(404)
    form = _form(event)
    if form.validate_on_submit():
        zone = current_app.config["TIMEZONE"]
        try:
            services.update_event(db.session, event, current_user, form.values(), zone, utcnow())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Event saved", "success")
            return redirect(url_for("engagement_events.detail", event_id=event.id))
    status = 400 if form.errors else 200
    return render_template("surveys/engagement_events/form.html", form=form, event=event), status


@blueprint.get("/<int:event_id>/needs")
@staff_required(*MEMBER_DATA_ROLES)
def needs(event_id: int):
    """Access and dietary needs, for the event's organisers only (audited)."""
    event = _event(event_id)
    if not services.can_organise(current_user, event):
        abort(404)
    rows = needs_for_organisers(db.session, event)
    record_audit(db.session, current_user, "event.needs_view", "engagement_event", [event.id])
    db.session.commit()
    return render_template("surveys/engagement_events/needs.html", event=event, rows=rows)


@blueprint.get("/<int:event_id>/registrants")
@staff_required(*MEMBER_DATA_ROLES)
def registrants(event_id: int):
    """Who registered on the public page, with their answers: organisers only (audited)."""
    event = _event(event_id)
    if not services.can_organise(current_user, event):
        abort(404)
    rows = registrants_for_organisers(db.session, event)
    record_audit(db.session, current_user, "event.registrants_view", "engagement_event", [event.id])
    db.session.commit()
    return render_template("surveys/engagement_events/registrants.html", event=event, rows=rows)
