"""The public bulletin archive: only sent bulletins, newest first and paginated, each page the
web version, a valid Atom feed, and no recipient's name, token or personal link anywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

from mailer.bulletins import archive
from mailer.bulletins.models import BulletinStatus
from mailer.bulletins.services.send import dispatch_due_bulletins
from panel.auth.models import Role
from surveys.models import Survey, SurveyStatus
from tests.factories import make_member, make_staff, place
from tests.mailer.bulletin_helpers import make_bulletin, make_due

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "TRACKING_SPOOL_DIR": str(tmp_path / "spool")}


def _as_sent(bulletin, started_at):
    """A bulletin whose send finished at started_at (the sending itself is tested elsewhere)."""
    bulletin.status = BulletinStatus.SENT
    bulletin.started_at = started_at
    bulletin.finished_at = started_at + timedelta(minutes=5)
    return bulletin


def _other_states(session, now, comms):
    hidden = []
    for status in (
        BulletinStatus.DRAFT,
        BulletinStatus.SCHEDULED,
        BulletinStatus.SENDING,
        BulletinStatus.PAUSED,
        BulletinStatus.CANCELLED,
    ):
        bulletin = make_bulletin(session, now, comms, title=f"Not public {status.value}")
        bulletin.status = status
        if status is not BulletinStatus.DRAFT:
            bulletin.started_at = now - timedelta(days=3)
        hidden.append(bulletin)
    return hidden


def test_archive_lists_only_sent_bulletins_newest_first_with_their_place(session, client, now):
    comms = make_staff(session, Role.COMMS)
    older = _as_sent(make_bulletin(session, now, comms, title="Autumn news"), now - timedelta(60))
    lancs = place(session, "lancashire")
    local = make_bulletin(session, now, comms, place_id=lancs.id, title="Lancashire news")
    _as_sent(local, now - timedelta(days=1))
    hidden = _other_states(session, now, comms)
    session.commit()

    page = client.get("/bulletins/")
    assert page.status_code == 200
    assert page.text.index("Lancashire news") < page.text.index("Autumn news")
    assert f"{lancs.name}" in page.text and archive.ICB_WIDE in page.text
    assert "Welcome to this edition" in page.text  # the summary, from the web version
    assert "Not public" not in page.text
    for bulletin in hidden:
        assert client.get(f"/bulletins/{bulletin.id}").status_code == 404
    shown = client.get(f"/bulletins/{older.id}")
    assert shown.status_code == 200 and "New urgent care centre" in shown.text
    assert 'type="application/atom+xml"' in shown.text.split("</head>")[0]
    assert "/bulletins/" in client.get("/").text  # linked from the home page


def test_archive_pages_ten_at_a_time_and_refuses_pages_past_the_end(session, client, now):
    comms = make_staff(session, Role.COMMS)
    for number in range(archive.PER_PAGE + 2):
        _as_sent(
            make_bulletin(session, now, comms, title=f"Edition {number:02d}"),
            now - timedelta(days=30 - number),
        )
    session.commit()

    first, second = client.get("/bulletins/"), client.get("/bulletins/?page=2")
    assert first.text.count("Edition ") == archive.PER_PAGE and "Edition 11" in first.text
    assert second.text.count("Edition ") == 2 and "Edition 00" in second.text
    assert 'href="/bulletins/?page=2"' in first.text
    assert client.get("/bulletins/?page=3").status_code == 404
    assert client.get("/bulletins/?page=x").status_code == 200


def test_feed_is_valid_atom_with_the_sent_bulletins_newest_first(session, client, now):
    comms = make_staff(session, Role.COMMS)
    old = _as_sent(make_bulletin(session, now, comms, title="Old <news>"), now - timedelta(9))
    new = _as_sent(make_bulletin(session, now, comms, title="New & improved"), now)
    _other_states(session, now, comms)
    session.commit()

    response = client.get("/bulletins/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = etree.fromstring(response.data, etree.XMLParser(resolve_entities=False))
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/bulletins/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    # titles read as typed; a tag typed in one stays text, as in an email's subject line
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles == ["New & improved", "Old &lt;news&gt;"]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert ids == [f"http://panel.test/bulletins/{b.id}" for b in (new, old)]
    content = entries[0].find(f"{ATOM}content")
    assert content.get("type") == "html" and "New urgent care centre" in content.text
    # the content is escaped HTML: it parses as a fragment and holds no script
    assert not html.fragment_fromstring(content.text, create_parent=True).xpath("//script")


def _personal_strings(messages) -> set[str]:
    """Everything in the sent emails that differs between recipients: their names and every
    URL and token that appears in one person's copy but not everyone's."""
    per_person = []
    for message in messages:
        body = unescape(message.html_body) + "\n" + message.text_body
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", body))
        per_person.append(urls)
    shared = set.intersection(*per_person)
    personal = set().union(*per_person) - shared
    tokens = {part for url in personal for part in re.split(r"[/?=&.]", url) if len(part) >= 16}
    return personal | tokens


def test_no_recipients_name_token_or_personal_link_appears_in_the_archive_or_feed(
    session, app, client, now
):
    comms = make_staff(session, Role.COMMS)
    lancs = place(session, "lancashire")
    make_member(session, "blackpool", first_name="Zebedee", tracking_consent=True)
    make_member(session, "lancashire", first_name="Ermintrude", tracking_consent=False)
    make_member(session, "lancashire", first_name="Dougal", tracking_consent=True)
    for place_id in (None, lancs.id):
        bulletin = make_bulletin(session, now, comms, place_id=place_id, title=f"For {place_id}")
        survey = session.get(Survey, bulletin.items[1].survey_id)
        survey.status = SurveyStatus.LIVE if place_id else SurveyStatus.APPROVED
        make_due(session, bulletin, comms, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    messages = app.extensions["mail_backend"].messages
    assert len(messages) == 5  # three to the panel, two to Lancashire
    personal = _personal_strings(messages)
    assert any("/unsubscribe/" in s for s in personal) and any("/s/" in s for s in personal)
    assert any("/t/o/" in s for s in personal)  # the consenting members' pixels

    # crawl: the index, every archive link it gives, and the feed
    seen, queue = {}, ["/bulletins/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        seen[path] = response.text
        for href in re.findall(r'href="([^"]+)"', response.text):
            target = urlsplit(unescape(href))
            if target.path.startswith("/bulletins/") and not target.netloc:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert len([p for p in seen if re.fullmatch(r"/bulletins/\d+", p)]) == 2
    everything = "\n".join(seen.values())
    assert not {"Zebedee", "Ermintrude", "Dougal"} & set(re.findall(r"\w+", everything))
    for text in (everything, unescape(everything)):
        for value in sorted(personal):
            assert value not in text
        assert "/t/o/" not in text and "/t/c/" not in text and "/unsubscribe/" not in text
        # no substitution tag that would carry a personal value (the intro's own "-first_name-"
        # stays as typed, as the view-in-browser page shows it: it names no one)
        assert "-link_" not in text and "-unsubscribe_url-" not in text
    assert "Tell us about maternity care" in everything
    assert "their surveys" in everything  # survey buttons point to no one's personal link
