"""Comms team pages for the geography: rename places, correct postcode districts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.extensions import db
from panel.places import services
from panel.places.forms import PlaceNameForm, PostcodeDistrictForm
from panel.places.models import Place, PostcodeDistrict

blueprint = Blueprint("places", __name__, url_prefix="/staff/places")


@blueprint.get("/")
@staff_required(Role.COMMS)
def index():
    """Places and postcode districts."""
    codes = db.session.scalars(sa.select(PostcodeDistrict)).all()
    codes = sorted(codes, key=lambda c: services.outward_sort_key(c.outward_code))
    return render_template(
        "panel/places/index.html", places=services.all_places(db.session), postcode_districts=codes
    )


@blueprint.route("/<int:place_id>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def edit(place_id: int):
    """Rename a place."""
    place = db.session.get(Place, place_id) or abort(404)
    form = PlaceNameForm(obj=place)
    if form.validate_on_submit():
        old = place.name
        services.rename_place(place, form.name.data)
        record_audit(
            db.session,
            current_user,
            "place.rename",
            "place",
            [place.id],
            detail=f"{old} -> {place.name}",
        )
        db.session.commit()
        flash(f"Renamed {old} to {place.name}", "info")
        return redirect(url_for("places.index"))
    return render_template("panel/places/edit.html", form=form, place=place)


@blueprint.route("/postcodes/<code>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def edit_postcode(code: str):
    """Change which places and neighbourhoods a postcode district covers."""
    row = db.session.get(PostcodeDistrict, code.upper()) or abort(404)
    form = PostcodeDistrictForm(obj=row)
    places = [(place.id, place.name) for place in services.all_places(db.session)]
    form.place_ids.choices = places
    form.main_place_id.choices = [(0, "None: most of it is outside the ICB area")] + places
    if not form.is_submitted():
        form.place_ids.data = [place.id for place in row.places]
        form.main_place_id.data = row.place_id or 0
    if form.validate_on_submit():
        try:
            services.update_postcode_district(
                db.session,
                row,
                place_ids=form.place_ids.data or [],
                main_place_id=form.main_place_id.data or None,
                reaches_outside=form.reaches_outside.data,
            )
        except services.PostcodeDistrictProblem as problem:
            getattr(form, problem.field).errors.append(str(problem))
        else:
            record_audit(
                db.session,
                current_user,
                "postcode_district.update",
                "postcode_district",
                [row.outward_code],
                detail=_coverage(row),
            )
            db.session.commit()
            flash(f"Saved {row.outward_code}", "info")
            return redirect(url_for("places.index"))
    return render_template("panel/places/edit_postcode.html", form=form, row=row)


def _coverage(row: PostcodeDistrict) -> str:
    covered = ", ".join(place.name for place in row.places) or "no place"
    suggests = row.place.name if row.place else "none"
    return f"covers {covered}; suggests {suggests}; reaches outside: {row.reaches_outside}"
