"""Staff pages of the decisions register: list, record, edit, link involvement, move status,
publish, and the measures. The comms team keeps every decision, a place team its places'
decisions; observers read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from surveys.decisions import measures as register_measures
from surveys.decisions import public, register, telling
from surveys.decisions.forms import ICB_WIDE, DecisionForm, LinkForm, StatusForm
from surveys.decisions.models import DECISION_STATES, DecisionRecord
from surveys.decisions.register import DecisionError
from surveys.insights import library

blueprint = Blueprint("decision_register", __name__, url_prefix="/staff/decisions")


def _decision(decision_id: int) -> DecisionRecord:
    return get_scoped_or_404(db.session, DecisionRecord, decision_id, current_user)


def _to_detail(decision: DecisionRecord):
    return redirect(url_for("decision_register.detail", decision_id=decision.id))


def _decision_form(obj=None) -> DecisionForm:
    form = DecisionForm(obj=obj)
    places = public.places(db.session)
    if current_user.role is Role.PLACE:
        places = [p for p in places if p.id in current_user.place_ids]
        form.place_id.choices = [(str(p.id), p.name) for p in places]
    else:
        form.place_id.choices = [ICB_WIDE, *[(str(p.id), p.name) for p in places]]
    if obj is not None and not form.is_submitted():
        form.place_id.data = str(obj.place_id) if obj.place_id else ""
        form.duty_applies.data = "yes" if obj.duty_applies else "no"
    return form


def _link_form(decision: DecisionRecord) -> LinkForm:
    form = LinkForm(prefix="link")
    surveys = register.linkable_surveys(db.session, current_user)
    form.survey_id.choices = [("", "Choose a survey"), *[(str(s.id), s.title) for s in surveys]]
    findings = library.linkable_insights(db.session, current_user)
    form.insight_id.choices = [
        ("", "Choose a finding"),
        *[(str(f.id), f"{f.title} ({f.heard_on:%-d %B %Y})") for f in findings],
    ]
    earlier = [d for d in register.decisions_for(db.session, current_user) if d.id != decision.id]
    form.earlier_decision_id.choices = [
        ("", "Choose a decision"),
        *[(str(d.id), f"{d.title} ({d.decided_on:%-d %B %Y})") for d in earlier],
    ]
    return form


def _status_form(decision: DecisionRecord) -> StatusForm:
    form = StatusForm(prefix="status")
    form.status.choices = [
        (s.value, s.label) for s in DECISION_STATES.transitions.get(decision.status, ())
    ]
    return form


@blueprint.get("/")
@staff_required(*ALL_STAFF)
def index():
    """The register as this user may see it."""
    return render_template(
        "surveys/decisions/index.html",
        decisions=register.decisions_for(db.session, current_user),
        can_edit=current_user.role in MEMBER_DATA_ROLES,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def new():
    """Record a decision."""
    form = _decision_form()
    if form.validate_on_submit():
        try:
            decision = register.create_decision(db.session, current_user, form.values(), utcnow())
        except DecisionError as error:
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Decision recorded. Now add the involvement that informed it.", "success")
            return _to_detail(decision)
    status = 400 if form.errors else 200
    return render_template("surveys/decisions/form.html", form=form, decision=None), status


@blueprint.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def edit(decision_id: int):
    """Change a decision's details."""
    decision = _decision(decision_id)
    form = _decision_form(decision)
    if form.validate_on_submit():
        try:
            register.update_decision(db.session, decision, current_user, form.values(), utcnow())
        except DecisionError as error:
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Decision saved", "success")
            return _to_detail(decision)
    status = 400 if form.errors else 200
    return render_template("surveys/decisions/form.html", form=form, decision=decision), status


def _detail_page(decision, link_form=None, status_form=None, code=200):
    return render_template(
        "surveys/decisions/detail.html",
        decision=decision,
        timeline=public.timeline(db.session, decision),
        notices=telling.notices_by_status(db.session, decision, current_user),
        public_surveys=public.public_survey_ids(db.session, decision),
        can_edit=current_user.role in MEMBER_DATA_ROLES,
        link_form=link_form or _link_form(decision),
        status_form=status_form or _status_form(decision),
        form=ConfirmForm(),
    ), code


@blueprint.get("/<int:decision_id>")
@staff_required(*ALL_STAFF)
def detail(decision_id: int):
    """One decision: details, involvement trail, status, publishing and who was told."""
    return _detail_page(_decision(decision_id))


@blueprint.post("/<int:decision_id>/links")
@staff_required(*MEMBER_DATA_ROLES)
def add_link(decision_id: int):
    """Link a piece of involvement to the decision."""
    decision = _decision(decision_id)
    form = _link_form(decision)
    if form.validate_on_submit():
        try:
            register.add_link(db.session, decision, current_user, form.values(), utcnow())
        except DecisionError as error:
            show_field_error(form, error, fallback="people_said")
        else:
            db.session.commit()
            flash("Involvement linked", "success")
            return _to_detail(decision)
    return _detail_page(decision, link_form=form, code=400)


@blueprint.post("/<int:decision_id>/links/<int:link_id>/remove")
@staff_required(*MEMBER_DATA_ROLES)
def remove_link(decision_id: int, link_id: int):
    """Remove one link from the decision."""
    decision = _decision(decision_id)
    if ConfirmForm().validate_on_submit():
        try:
            register.remove_link(db.session, decision, current_user, link_id, utcnow())
        except DecisionError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Link removed", "success")
    else:
        flash("The form had expired: try again", "error")
    return _to_detail(decision)


@blueprint.post("/<int:decision_id>/status")
@staff_required(*MEMBER_DATA_ROLES)
def change_status(decision_id: int):
    """Move the decision to its next status."""
    decision = _decision(decision_id)
    form = _status_form(decision)
    if form.validate_on_submit():
        try:
            register.change_status(db.session, decision, current_user, form.status.data, utcnow())
        except DecisionError as error:
            show_field_error(form, error, fallback="status")
        else:
            db.session.commit()
            flash(
                f"The decision is now {decision.status.value}. If surveys informed it, tell the "
                "people who took part (you will check the email first).",
                "success",
            )
            return _to_detail(decision)
    return _detail_page(decision, status_form=form, code=400)


@blueprint.post("/<int:decision_id>/publish")
@staff_required(*MEMBER_DATA_ROLES)
def publish(decision_id: int):
    """Put the decision on the public register, or take it off."""
    decision = _decision(decision_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The form had expired: try again", "error")
        return _to_detail(decision)
    try:
        if form.submit_requested("unpublish"):
            register.unpublish(db.session, decision, current_user, utcnow())
        else:
            register.publish(db.session, decision, current_user, utcnow())
    except DecisionError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Public register updated", "success")
    return _to_detail(decision)


@blueprint.get("/measures")
@staff_required(*ALL_STAFF)
def measures():
    """How quickly the register closes the loop, recounted from the rows."""
    return render_template(
        "surveys/decisions/measures.html",
        figures=register_measures.measures(db.session, current_user, utcnow()),
        goal_days=register_measures.GOAL_DAYS,
        within_days=register_measures.TELL_WITHIN_DAYS,
    )
