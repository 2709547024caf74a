"""Public open data pages: the list of datasets with the licence, the data dictionary, each
dataset as CSV or JSON, and the Atom feed. Reads only."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for

from panel import downloads
from panel.database import utcnow
from panel.extensions import db
from surveys.open_data import datasets, feed, files

blueprint = Blueprint("open_data", __name__, url_prefix="/open-data")


def _licence_link() -> str:
    return f'<{datasets.LICENCE_URL}>; rel="license"'


@blueprint.get("/")
def index():
    """The datasets, how to download them, the licence and the feed."""
    return render_template(
        "open_data/index.html",
        datasets=datasets.DATASETS.values(),
        licence_name=datasets.LICENCE_NAME,
        licence_url=datasets.LICENCE_URL,
        attribution=datasets.ATTRIBUTION,
    )


@blueprint.get("/dictionary")
def dictionary():
    """Every column of every dataset: name, meaning, type and how small numbers are shown."""
    return render_template(
        "open_data/dictionary.html",
        datasets=datasets.DATASETS.values(),
        licence_name=datasets.LICENCE_NAME,
        licence_url=datasets.LICENCE_URL,
    )


@blueprint.get("/<slug>.<any(csv, json):kind>")
def download(slug: str, kind: str):
    """One dataset as CSV or JSON."""
    chosen = datasets.dataset(slug)
    if chosen is None:
        abort(404)
    rows = chosen.rows(db.session, utcnow())
    # Open data holds no personal data, so unlike staff exports a cache may keep it a while.
    headers = {"Link": _licence_link(), "Cache-Control": "public, max-age=300"}
    if kind == "csv":
        body = files.csv_file(chosen, rows)
    else:
        dictionary_url = current_app.config["PUBLIC_BASE_URL"] + url_for(".dictionary")
        body = current_app.json.dumps(files.json_document(chosen, rows, dictionary_url))
    return downloads.attachment(body, f"{slug}.{kind}", headers)


@blueprint.get("/feed.atom")
def feed_atom():
    """Published results and decisions as an Atom feed, newest first."""
    return Response(feed.atom_feed(db.session), mimetype="application/atom+xml")
