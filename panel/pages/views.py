"""Public pages and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, send_from_directory
from sqlalchemy.exc import SQLAlchemyError

from panel.extensions import db

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home():
    """The public home page."""
    return render_template("pages/home.html")


@blueprint.get("/privacy")
def privacy():
    """The privacy notice."""
    return render_template("pages/privacy.html")


@blueprint.get("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("pages/accessibility.html")


@blueprint.get("/cookies")
def cookies():
    """The cookie page."""
    return render_template("pages/cookies.html")


@blueprint.get("/assets/<path:filename>")
def assets(filename: str):
    """The NHS.UK frontend's fonts and images."""
    # The NHS.UK stylesheet refers to /assets/...; the files are copied from npm at setup.
    return send_from_directory(
        current_app.static_folder + "/vendor/nhsuk/assets", filename, max_age=86400
    )


@blueprint.get("/healthz")
def healthz():
    """Health check for the load balancer: 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
