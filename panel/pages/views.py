"""Public pages and the health check."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, send_from_directory

from panel.database import utcnow
from panel.extensions import db
from panel.health import service_health, web_health
from panel.i18n import LANGUAGE_COOKIE

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
    return render_template(
        "pages/cookies.html",
        session_cookie=current_app.config["SESSION_COOKIE_NAME"],
        language_cookie=LANGUAGE_COOKIE,
    )


@blueprint.get("/assets/<path:filename>")
def assets(filename: str):
    """The NHS.UK frontend's fonts and images."""
    # The NHS.UK stylesheet refers to /assets/...; the files are copied from npm at setup.
    return send_from_directory(
        current_app.static_folder + "/vendor/nhsuk/assets", filename, max_age=86400
    )


@blueprint.get("/healthz")
def healthz():
    """Health for monitoring: the database, the schema, the scheduler's heartbeat and the email
    queue as JSON figures; 503 when any of the first three is not right."""
    report, healthy = service_health(
        db.session,
        current_app.extensions["migrate"].directory,
        utcnow(),
        timedelta(seconds=current_app.config["HEALTH_SCHEDULER_MAX_AGE_SECONDS"]),
    )
    return report, 200 if healthy else 503


@blueprint.get("/healthz/web")
def healthz_web():
    """Health for the load balancer: whether this web server can serve (database and schema)."""
    report, healthy = web_health(db.session, current_app.extensions["migrate"].directory)
    return report, 200 if healthy else 503
