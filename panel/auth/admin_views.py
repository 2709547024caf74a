"""Staff administration for the comms team: invite staff, set roles and places."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.auth import services
from panel.auth.access import staff_required
from panel.auth.forms import InviteStaffForm, StaffDetailsForm
from panel.auth.models import Role, StaffUser
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import show_field_error
from panel.partners.services import all_organisations
from panel.places.services import all_places

blueprint = Blueprint("staff_admin", __name__, url_prefix="/staff/admin/staff")


def _with_place_choices(form):
    form.places.choices = [(place.id, place.name) for place in all_places(db.session)]
    form.organisation.choices = [(0, "None (an ICB account)")] + [
        (organisation.id, organisation.name) for organisation in all_organisations(db.session)
    ]
    return form


def _details(form) -> services.StaffDetails:
    return services.StaffDetails(
        name=form.name.data,
        role=Role(form.role.data),
        place_ids=list(form.places.data or []),
        is_enabled=bool(form.is_enabled.data),
        partner_organisation_id=form.organisation.data or None,
    )


@blueprint.get("/")
@staff_required(Role.COMMS)
def index():
    """The staff accounts."""
    return render_template("panel/staff/index.html", staff=services.list_staff(db.session))


@blueprint.route("/invite", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def invite():
    """Invite a new staff user by email."""
    form = _with_place_choices(InviteStaffForm())
    if form.validate_on_submit():
        try:
            user = services.invite_staff_by_email(
                db.session, current_user, form.email.data, _details(form), utcnow()
            )
        except services.AuthError as error:
            show_field_error(form, error, fallback="places")
        else:
            db.session.commit()
            flash(f"Invitation sent to {user.name}", "info")
            return redirect(url_for("staff_admin.index"))
    return render_template("panel/staff/invite.html", form=form)


@blueprint.route("/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def edit(user_id: int):
    """Change a staff user's name, role, places or whether they may sign in."""
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = _with_place_choices(StaffDetailsForm(obj=user))
    if not form.is_submitted():
        form.role.data = user.role.value
        form.places.data = sorted(user.place_ids)
        form.organisation.data = user.partner_organisation_id or 0
    if form.validate_on_submit():
        try:
            services.update_staff(db.session, current_user, user, _details(form), utcnow())
        except services.AuthError as error:
            show_field_error(form, error, fallback="role")
        else:
            db.session.commit()
            flash(f"Saved changes to {user.name}", "info")
            return redirect(url_for("staff_admin.index"))
    return render_template("panel/staff/edit.html", form=form, user=user)
