"""The tracking endpoints (pixel and click redirect, no login, no database write on the request)
and the staff stats pages."""

from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask_login import current_user

from mailer.bulletins.models import Bulletin
from mailer.tracking import services
from mailer.tracking.models import HitKind
from panel.auth.access import ALL_STAFF, get_scoped_or_404, staff_required
from panel.downloads import attachment
from panel.extensions import db

blueprint = Blueprint("tracking", __name__, url_prefix="/t")
stats_blueprint = Blueprint("bulletin_stats", __name__, url_prefix="/staff/bulletins")

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0, private",
    "Pragma": "no-cache",
    "Expires": "0",
}


@blueprint.get("/o/<token>.gif")
def pixel(token: str):
    """The open pixel: records an open and returns a transparent GIF."""
    ids = services.read_token(current_app, token)
    if ids is None:
        abort(404)
    services.record_hit(current_app, HitKind.OPEN, ids, None, request)
    return Response(PIXEL, mimetype="image/gif", headers=NO_STORE)


@blueprint.get("/c/<token>/<int:link_id>")
def click(token: str, link_id: int):
    """A tracked link: records the click and redirects to the link's address."""
    ids = services.read_token(current_app, token)
    url = services.link_url(current_app, db.session, ids, link_id) if ids else None
    if url is None:
        abort(404)
    services.record_hit(current_app, HitKind.CLICK, ids, link_id, request)
    response = redirect(url, 302)
    response.headers.update(NO_STORE)
    return response


@stats_blueprint.get("/stats")
@staff_required(*ALL_STAFF)
def overview():
    """Figures across recent bulletins."""
    return render_template(
        "mailer/tracking/overview.html", **services.overview_context(db.session, current_user)
    )


@stats_blueprint.get("/<int:bulletin_id>/stats")
@staff_required(*ALL_STAFF)
def bulletin(bulletin_id: int):
    """One bulletin's figures."""
    record = get_scoped_or_404(db.session, Bulletin, bulletin_id, current_user)
    return render_template(
        "mailer/tracking/bulletin.html", **services.bulletin_context(db.session, record)
    )


@stats_blueprint.get("/<int:bulletin_id>/stats.csv")
@staff_required(*ALL_STAFF)
def bulletin_csv(bulletin_id: int):
    """One bulletin's figures as CSV (audited)."""
    record = get_scoped_or_404(db.session, Bulletin, bulletin_id, current_user)
    body = services.stats_csv(db.session, record, current_user)
    db.session.commit()
    return attachment(body, f"bulletin-{record.id}-stats.csv")
