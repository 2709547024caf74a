"""The public archive of sent bulletins: the index, each bulletin's web version and the feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from mailer.bulletins import archive, archive_feed
from mailer.bulletins.models import ItemKind
from panel.extensions import db
from panel.forms_common import requested_page

blueprint = Blueprint("bulletin_archive", __name__, url_prefix="/bulletins")


@blueprint.get("/")
def index():
    """Sent bulletins, newest first, a page at a time."""
    page = requested_page()
    entries, pages = archive.archive_page(db.session, page)
    if page > pages:
        abort(404)
    return render_template(
        "mailer/bulletins/archive_index.html", entries=entries, page=page, pages=pages
    )


@blueprint.get("/<int:bulletin_id>")
def bulletin(bulletin_id: int):
    """One sent bulletin's web version; anything not sent is a 404."""
    found = archive.public_bulletin(db.session, bulletin_id)
    if found is None:
        abort(404)
    return render_template(
        "mailer/bulletins/archive_bulletin.html",
        bulletin=found,
        entry=archive.entry_for(found),
        survey_label=ItemKind.SURVEY.label,
        **archive.web_version(found),
    )


@blueprint.get("/feed.atom")
def feed():
    """The newest sent bulletins as an Atom feed."""
    body = archive_feed.atom_feed(archive.feed_bulletins(db.session))
    return Response(body, mimetype="application/atom+xml")
