"""The assurance dashboard page: every staff role reads it (a place team for its places)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from panel.auth.access import staff_required
from panel.database import utcnow
from panel.extensions import db
from surveys.assurance import figures

blueprint = Blueprint("assurance", __name__, url_prefix="/staff/assurance")


@blueprint.get("/")
@staff_required()
def dashboard():
    """The committee's assurance figures for the last year, from the records."""
    return render_template(
        "surveys/assurance/dashboard.html",
        figures=figures.assurance(db.session, current_user, utcnow()),
    )
