"""The staff home page: where each role starts."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from panel.auth.access import staff_required
from panel.database import utcnow
from panel.extensions import db

blueprint = Blueprint("staff_home", __name__, url_prefix="/staff")


@blueprint.get("/")
@staff_required()
def index():
    from surveys.results.follow_through import follow_through

    weeks = current_app.config["FOLLOW_THROUGH_WEEKS"]
    closed = follow_through(db.session, current_user, utcnow(), weeks)
    return render_template("panel/staff_home.html", follow_through=closed, weeks=weeks)
