"""Staff administration for the comms team: invite staff, set roles and places."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mailer.transport import queue_email
from panel.auth import services
from panel.auth.access import staff_required
from panel.auth.forms import InviteStaffForm, StaffDetailsForm
from panel.auth.models import Role, StaffUser
from panel.database import utcnow
from panel.extensions import db
from panel.places.services import all_places

blueprint = Blueprint("staff_admin", __name__, url_prefix="/staff/admin/staff")


def _with_place_choices(form):
    form.places.choices = [(place.id, place.name) for place in all_places(db.session)]
    return form


def _details(form) -> services.StaffDetails:
    return services.StaffDetails(
        name=form.name.data,
        role=Role(form.role.data),
        place_ids=list(form.places.data or []),
        is_enabled=bool(form.is_enabled.data),
    )


@blueprint.get("/")
@staff_required(Role.COMMS)
def index():
    return render_template("panel/staff/index.html", staff=services.list_staff(db.session))


@blueprint.route("/invite", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def invite():
    form = _with_place_choices(InviteStaffForm())
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = services.invite_staff(
                db.session, current_user, form.email.data, _details(form), now
            )
        except services.AuthError as error:
            target = form.email if "email" in str(error).lower() else form.places
            target.errors.append(str(error))
        else:
            queue_email(
                db.session,
                to_email=user.email,
                template="staff_invitation",
                context={
                    "name": user.name,
                    "inviter": current_user.name,
                    "role": user.role.label,
                    "token": services.invite_token(user),
                },
                idempotency_key=f"invite:{user.id}:{user.session_token}",
                now=now,
            )
            db.session.commit()
            flash(f"Invitation sent to {user.name}", "info")
            return redirect(url_for("staff_admin.index"))
    return render_template("panel/staff/invite.html", form=form)


@blueprint.route("/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def edit(user_id: int):
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = _with_place_choices(StaffDetailsForm(obj=user))
    if not form.is_submitted():
        form.role.data = user.role.value
        form.places.data = sorted(user.place_ids)
    if form.validate_on_submit():
        try:
            services.update_staff(db.session, current_user, user, _details(form), utcnow())
        except services.AuthError as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Saved changes to {user.name}", "info")
            return redirect(url_for("staff_admin.index"))
    return render_template("panel/staff/edit.html", form=form, user=user)
