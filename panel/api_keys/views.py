"""Communications team pages for API keys: list, issue (the secret shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.api_keys import services
from panel.api_keys.forms import ApiKeyForm
from panel.api_keys.models import ApiKey
from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.places.services import all_places

blueprint = Blueprint("api_keys", __name__, url_prefix="/staff/api-keys")


@blueprint.get("/")
@staff_required(Role.COMMS)
def index():
    """Every key, with its scopes, place, expiry and whether it was revoked."""
    return render_template(
        "panel/api_keys/index.html",
        keys=services.all_api_keys(db.session),
        now=utcnow(),
        form=ConfirmForm(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def new():
    """Issue a key; its secret is on the answer to this POST and nowhere else."""
    form = ApiKeyForm()
    form.place_id.choices = [("", "Every place")] + [
        (str(place.id), place.name) for place in all_places(db.session)
    ]
    if form.validate_on_submit():
        try:
            key, secret = services.issue_api_key(
                db.session,
                current_user,
                organisation=form.organisation.data,
                name=form.name.data,
                scopes=form.scopes.data,
                place_id=int(form.place_id.data) if form.place_id.data else None,
                expires_on=form.expires_on.data,
                now=utcnow(),
            )
        except services.ApiKeyError as problem:
            # Raised before anything is added: nothing to roll back.
            show_field_error(form, problem, "organisation")
        else:
            db.session.commit()
            return render_template("panel/api_keys/issued.html", key=key, secret=secret)
    return render_template("panel/api_keys/new.html", form=form)


@blueprint.post("/<int:key_id>/revoke")
@staff_required(Role.COMMS)
def revoke(key_id: int):
    """Stop a key working now."""
    key = db.session.get(ApiKey, key_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.revoke_api_key(db.session, current_user, key, utcnow())
        except services.ApiKeyError as problem:
            flash(str(problem), "info")
        else:
            db.session.commit()
            flash(f"Revoked the key {key.prefix}… of {key.organisation}", "info")
    return redirect(url_for("api_keys.index"))
