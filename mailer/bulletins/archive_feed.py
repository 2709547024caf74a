"""The archive's Atom feed, built by feedgen from the same web version the archive pages show."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import current_app, render_template, url_for
from markupsafe import escape

from mailer.bulletins import archive
from mailer.bulletins.models import Bulletin
from mailer.rendering import plain_text

FEED_TITLE = "Lancashire and South Cumbria Citizens' Panel bulletins"
#: the feed's "updated" when nothing has been sent yet: fixed, so the feed does not change.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)


def _public_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _text(value: str) -> str:
    # Titles and summaries are Atom text, but some feed readers show them as HTML: as in an
    # email's subject, no tag anyone typed may survive (< and > stay as entities).
    return plain_text(str(escape(value)))


def atom_feed(bulletins: list[Bulletin]) -> bytes:
    """The Atom document for these bulletins (newest first), each entry the full web version."""
    feed = FeedGenerator()
    index_url = _public_url("bulletin_archive.index")
    feed.id(index_url)
    feed.title(FEED_TITLE)
    feed.subtitle("The panel's bulletins as sent, without anyone's personal links.")
    feed.author({"name": "NHS Lancashire and South Cumbria Integrated Care Board"})
    feed.link(href=index_url, rel="alternate", type="text/html")
    feed.link(href=_public_url("bulletin_archive.feed"), rel="self")
    feed.language("en-GB")
    feed.updated(_aware(bulletins[0].started_at) if bulletins else EMPTY_FEED_UPDATED)
    # feedgen puts the entry added last first: add the oldest first to keep newest on top.
    for bulletin in reversed(bulletins):
        listing = archive.entry_for(bulletin)
        url = _public_url("bulletin_archive.bulletin", bulletin_id=bulletin.id)
        entry = feed.add_entry()
        entry.id(url)
        entry.title(_text(bulletin.title))
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(_aware(bulletin.started_at))
        entry.updated(_aware(bulletin.started_at))
        entry.category(term=_text(listing.place_label))
        if listing.summary:
            entry.summary(_text(listing.summary))
        html = render_template("mailer/bulletins/_content.html", **archive.web_version(bulletin))
        entry.content(html, type="html")
    return feed.atom_str(pretty=True)
