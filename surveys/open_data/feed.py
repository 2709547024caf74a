"""The open data's Atom feed (built by feedgen): one entry per published results page and per
decision on the public register, so people hear when the datasets gain rows. Only what is
published is listed; each entry links to its page and to the dataset it adds to."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import escape
from sqlalchemy.orm import Session

from mailer.rendering import plain_text
from surveys.decisions import public as public_decisions
from surveys.open_data.datasets import LICENCE_URL, public_url
from surveys.results import public

FEED_TITLE = "Lancashire and South Cumbria Citizens' Panel open data"
#: the feed's "updated" when nothing is published yet: fixed, so the feed does not change.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _text(value: str) -> str:
    # Atom text that some readers show as HTML: no tag anyone typed may survive.
    return plain_text(str(escape(value)))


def feed_entries(session: Session) -> list[dict]:
    """What the feed lists, newest first: published results pages and published decisions."""
    entries = []
    for survey, page in public.published_results(session, public.IndexFilters()):
        entries.append(
            {
                "id": public_url("engagement.results", survey_id=survey.id),
                "title": f"Results published: {survey.title}",
                "updated": _aware(page.published_at),
                "dataset": "survey-results",
                "summary": "The survey's results are in the survey-results and "
                "survey-respondents datasets.",
            }
        )
    chosen = public_decisions.PublicFilters()
    for record in public_decisions.published_decisions(session, chosen):
        moments = [record.published_at, record.we_did_published_at]
        entries.append(
            {
                "id": public_url("public_decisions.decision", decision_id=record.id),
                "title": f"Decision: {record.title}",
                "updated": max(_aware(moment) for moment in moments if moment is not None),
                "dataset": "decisions",
                "summary": record.summary or "",
            }
        )
    entries.sort(key=lambda entry: (entry["updated"], entry["id"]), reverse=True)
    return entries


def atom_feed(session: Session) -> bytes:
    """The Atom document: newest first, each entry linking to its page and its dataset."""
    entries = feed_entries(session)
    feed = FeedGenerator()
    index_url = public_url("open_data.index")
    feed.id(index_url)
    feed.title(FEED_TITLE)
    feed.subtitle("New published survey results and decisions, as open data.")
    feed.author({"name": "NHS Lancashire and South Cumbria Integrated Care Board"})
    feed.link(href=index_url, rel="alternate", type="text/html")
    feed.link(href=public_url("open_data.feed_atom"), rel="self")
    feed.link(href=LICENCE_URL, rel="license")
    feed.rights("Open Government Licence v3.0")
    feed.language("en-GB")
    feed.updated(entries[0]["updated"] if entries else EMPTY_FEED_UPDATED)
    # feedgen puts the entry added last first: add the oldest first to keep newest on top.
    for found in reversed(entries):
        entry = feed.add_entry()
        entry.id(found["id"])
        entry.title(_text(found["title"]))
        entry.link(href=found["id"], rel="alternate", type="text/html")
        entry.updated(found["updated"])
        if found["summary"]:
            entry.summary(_text(found["summary"]))
    return _with_entry_links(feed.atom_str(), entries)


def _with_entry_links(document: bytes, entries: list[dict]) -> bytes:
    """The entries' links with their rel and type, and links to each entry's dataset: feedgen
    1.0.0 writes an entry's links with href alone (its atom_entry reuses the name ``link``)."""
    root = etree.fromstring(document)
    datasets = {found["id"]: found["dataset"] for found in entries}
    for element in root.iter(f"{ATOM}entry"):
        for link in element.findall(f"{ATOM}link"):
            link.attrib.update({"rel": "alternate", "type": "text/html"})
        dataset = datasets[element.findtext(f"{ATOM}id")]
        for kind, media in (("csv", "text/csv"), ("json", "application/json")):
            url = public_url("open_data.download", slug=dataset, kind=kind)
            etree.SubElement(element, f"{ATOM}link", href=url, rel="related", type=media)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
