"""Staff pages of the recruitment plan: the plan, the targets and a place's printable brief."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import MEMBER_DATA_ROLES, can_see_place, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import requested_id, show_field_error
from panel.members.services import sources
from panel.qr import qr_data_uri
from panel.recruitment import brief, plan, signups, targets
from panel.recruitment.forms import place_fields, targets_form

blueprint = Blueprint("recruitment", __name__, url_prefix="/staff/recruitment-plan")


@blueprint.get("/")
@staff_required()
def index():
    """The plan for the places the user may see."""
    now = utcnow()
    recruitment = plan.recruitment_plan(db.session, current_user, now)
    return render_template(
        "panel/recruitment/plan.html",
        plan=recruitment,
        signups=signups.signup_tables(db.session, current_user, recruitment, now),
        goal=plan.SCORE_GOAL,
        sources=(
            sources.visible_sources(db.session, current_user)
            if current_user.role in MEMBER_DATA_ROLES
            else []
        ),
    )


@blueprint.route("/targets", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def edit_targets():
    """The panel's target and places' own shares; POST saves them."""
    current = targets.panel_targets(db.session)
    form = targets_form(current, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        own = {p.place_id: form[f"place_{p.place_id}"].data for p in current.places}
        try:
            targets.set_targets(db.session, current_user, form.total.data, own, utcnow())
        except targets.TargetError as error:
            show_field_error(form, error, fallback="total")
        else:
            saved = targets.panel_targets(db.session)
            record_audit(
                db.session,
                current_user,
                "recruitment.targets",
                "recruitment_targets",
                [p.place_id for p in saved.places],
                detail=f"total {saved.total}; "
                + "; ".join(
                    f"{p.name} {p.target}{' (set)' if p.set_by_team else ''}" for p in saved.places
                ),
            )
            db.session.commit()
            flash("Targets saved", "info")
            return redirect(url_for("recruitment.index"))
    return render_template(
        "panel/recruitment/targets.html",
        form=form,
        place_fields=place_fields(form, current),
        targets=current,
    )


@blueprint.get("/places/<int:place_id>/brief.pdf")
@staff_required(*MEMBER_DATA_ROLES)
def place_brief(place_id: int):
    """A place's recruitment brief as a PDF; ?source= puts that partner's link on it."""
    if not can_see_place(current_user, place_id):
        abort(404)
    now = utcnow()
    place = plan.place_plan(plan.recruitment_plan(db.session, current_user, now), place_id)
    if place is None:
        abort(404)
    source = None
    if "source" in request.args:
        source_id = requested_id("source")
        if source_id is None:
            abort(404)
        source = sources.get_source_or_404(db.session, source_id, current_user)
        if source.place_id not in (None, place_id):
            abort(404)
    base = current_app.config["PUBLIC_BASE_URL"]
    link = sources.signup_link(base, source) if source else f"{base}/join"
    document = brief.brief_pdf(brief.Brief(place, source, link, qr_data_uri(link), now))
    name = "".join(c if c.isalnum() else "-" for c in place.area.name.lower())
    return attachment(document, f"recruitment-brief-{name}.pdf")
