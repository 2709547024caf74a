"""A confirmed place comes with the event's calendar entry (issue 25 point 2): at the right instant
across clock changes, with the joining link only for confirmed people, through every backend."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from mailer.backends import MailMessage, OutboxBackend, SendGridBackend
from mailer.jobs import deliver_queued_emails
from panel.extensions import db
from surveys.engagement_events.calendar import event_calendar
from surveys.engagement_events.models import EventFormat, InvitationState
from surveys.engagement_events.places import accept_invitation
from surveys.engagement_events.replies import tell_place
from tests.fakes.fake_sendgrid import FakeSendGrid
from tests.surveys.event_helpers import invite, make_event

SUMMER_EVENING = datetime(2027, 7, 1, 17, 0, tzinfo=UTC)  # 6pm in London (BST)
WINTER_EVENING = datetime(2027, 1, 14, 18, 0, tzinfo=UTC)  # 6pm in London (GMT)


def _entry(ics: bytes):
    [entry] = Calendar.from_ical(ics).walk("VEVENT")
    return entry


@pytest.mark.parametrize("starts_at", [SUMMER_EVENING, WINTER_EVENING])
def test_the_entry_starts_and_ends_at_the_instant_the_event_does(session, now, starts_at):
    event = make_event(
        session, now, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), title="A, b; c"
    )
    entry = _entry(
        event_calendar(event, joining_link="", public_base_url="https://panel.example", now=now)
    )
    assert entry.decoded("dtstart") == starts_at
    assert entry.decoded("dtend") == starts_at + timedelta(hours=2)
    assert str(entry["summary"]) == "A, b; c"  # escaped in the file, exact when read back
    assert str(entry["location"]) == "Central Library, Blackpool"
    assert str(entry["uid"]) == f"engagement-event-{event.id}@panel.example"
    assert "url" not in entry


def test_an_online_entry_carries_the_joining_link_only_when_given(session, now):
    event = make_event(
        session, now, format=EventFormat.ONLINE, venue="", joining_link="https://meet.example/x"
    )
    given = _entry(
        event_calendar(
            event, joining_link=event.joining_link, public_base_url="http://panel.test", now=now
        )
    )
    withheld = _entry(
        event_calendar(event, joining_link="", public_base_url="http://panel.test", now=now)
    )
    assert str(given["url"]) == "https://meet.example/x" and str(given["location"]) == "Online"
    assert "meet.example" not in withheld.to_ical().decode()


def test_a_confirmed_place_has_the_entry_and_a_waiting_one_has_none(app, session, now, outbox):
    event = make_event(session, now, capacity=1)
    confirmed, waiting = invite(session, event, now), invite(session, event, now)
    accept_invitation(session, confirmed, now)
    accept_invitation(session, waiting, now)
    assert waiting.state is InvitationState.WAITING
    tell_place(session, confirmed, now)
    tell_place(session, waiting, now)
    session.commit()

    sent = {m.subject.split(":")[0]: m for m in outbox()}
    [attachment] = sent["Your place is confirmed"].attachments
    assert (attachment.filename, attachment.content_type) == ("event.ics", "text/calendar")
    assert _entry(attachment.content).decoded("dtstart") == event.starts_at
    assert all(not m.attachments for k, m in sent.items() if k != "Your place is confirmed")


def test_the_entry_reaches_sendgrid_and_the_outbox_byte_for_byte(app, session, now, tmp_path):
    event = make_event(session, now)
    invitation = invite(session, event, now)
    accept_invitation(session, invitation, now)
    tell_place(session, invitation, now)
    session.commit()
    with FakeSendGrid() as fake:
        config = fake.app_config()
        backend = SendGridBackend(config["SENDGRID_API_KEY"], config["SENDGRID_API_HOST"])
        assert deliver_queued_emails(db.session, backend, datetime.now(UTC)) == 1
        [accepted] = fake.accepted
    [(filename, kind, content)] = accepted.attachments
    assert (filename, kind) == ("event.ics", "text/calendar")
    assert _entry(content).decoded("dtstart") == event.starts_at

    # The development outbox writes the same file into the .eml.
    from mailer.attachments import Attachment

    OutboxBackend(str(tmp_path)).send(
        MailMessage(
            to_email="someone@example.com",
            subject="s",
            text_body="t",
            html_body="<p>h</p>",
            from_email="panel@example.nhs.uk",
            from_name="Panel",
            attachments=[Attachment("event.ics", "text/calendar", content)],
        )
    )
    [eml] = tmp_path.glob("*.eml")
    parsed = email.message_from_bytes(eml.read_bytes())
    [part] = [p for p in parsed.walk() if p.get_filename() == "event.ics"]
    assert part.get_payload(decode=True) == content


def test_sendgrid_refuses_an_attachment_that_is_not_base64(app):
    import json
    import urllib.request

    with FakeSendGrid() as fake:
        body = {
            "personalizations": [{"to": [{"email": "a@example.com"}]}],
            "from": {"email": "panel@example.nhs.uk"},
            "subject": "s",
            "content": [{"type": "text/plain", "value": "t"}],
            "attachments": [{"content": "not base64!", "filename": "x.ics"}],
        }
        request = urllib.request.Request(
            f"{fake.url}/v3/mail/send",
            data=json.dumps(body).encode(),
            headers={"Authorization": "Bearer SG.test", "Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)  # noqa: S310 (loopback fake)
        # read while the server is up: the error's body comes off the socket lazily
        answer = refused.value.read()
    assert refused.value.code == 400
    assert b"attachments.0.content" in answer
