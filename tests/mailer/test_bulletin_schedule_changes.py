"""A scheduled bulletin can be rescheduled or cancelled from its page, past times are refused
next to the field, and an accidental double schedule is impossible: two clicks, two tabs or two
scheduler runs make one send (issue 20, point 6)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer.bulletins.models import BulletinStatus
from mailer.bulletins.services.send import dispatch_due_bulletins
from panel.auth.models import Role
from panel.extensions import db
from tests.factories import make_staff
from tests.fakes.fake_sendgrid import FakeSendGrid
from tests.mailer.bulletin_helpers import confirm_fields, make_bulletin, make_members


@pytest.fixture
def fake():
    with FakeSendGrid() as server:
        yield server


@pytest.fixture
def app_config(tmp_path, fake):
    return {
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        **fake.app_config(),
    }


@pytest.fixture
def drafted(session, client, login_as):
    comms = login_as(make_staff(session, Role.COMMS))
    make_members(session, 4)
    bulletin = make_bulletin(session, datetime.now(UTC), comms)
    session.commit()
    return bulletin


def _later(client, bulletin, when: datetime):
    local = when.astimezone(ZoneInfo("Europe/London"))
    return client.post(
        f"/staff/bulletins/{bulletin.id}/schedule",
        data={
            "when": "later",
            "send_date": local.date().isoformat(),
            "send_time": local.strftime("%H:%M"),
        },
    )


def test_a_scheduled_bulletin_is_rescheduled_then_cancelled_from_its_page(
    session, client, drafted, fake
):
    bulletin, soon = drafted, datetime.now(UTC) + timedelta(days=2)
    check = client.get(_later(client, bulletin, soon).location)
    assert "Schedule for 4 people" in check.text
    done = client.post(
        f"/staff/bulletins/{bulletin.id}/send",
        data=confirm_fields(check.text),
        follow_redirects=True,
    )
    assert "Scheduled: 4 people will get it at the time shown below" in done.text
    assert "Change the send time" in done.text and "Cancel this bulletin" in done.text

    past = _later(client, bulletin, datetime.now(UTC) - timedelta(hours=2))
    assert past.status_code == 200 and "Choose a time in the future" in past.text
    assert 'href="#send_date"' in past.text  # the summary links to the field's own message

    later = soon + timedelta(days=3)
    check = client.get(_later(client, bulletin, later).location)
    assert "confirming replaces it" in check.text
    client.post(f"/staff/bulletins/{bulletin.id}/send", data=confirm_fields(check.text))
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.SCHEDULED
    send_at = bulletin.send_at if bulletin.send_at.tzinfo else bulletin.send_at.replace(tzinfo=UTC)
    assert send_at == later.replace(second=0, microsecond=0)

    cancelled = client.post(
        f"/staff/bulletins/{bulletin.id}/control", data={"action": "cancel"}, follow_redirects=True
    )
    assert "Bulletin cancelled: no one else will get it" in cancelled.text
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.CANCELLED
    dispatch_due_bulletins(session, later + timedelta(minutes=1))
    assert fake.accepted == []


def test_two_clicks_two_tabs_and_two_schedulers_make_one_send(app, session, client, drafted, fake):
    bulletin = drafted
    first_tab = confirm_fields(client.get(f"/staff/bulletins/{bulletin.id}/send/check?at=now").text)
    second_tab = confirm_fields(
        client.get(f"/staff/bulletins/{bulletin.id}/send/check?at=now").text
    )
    assert client.post(f"/staff/bulletins/{bulletin.id}/send", data=first_tab).status_code == 302
    again = client.post(f"/staff/bulletins/{bulletin.id}/send", data=first_tab)  # double click
    other = client.post(f"/staff/bulletins/{bulletin.id}/send", data=second_tab)
    for refused in (again, other):
        assert refused.status_code == 409 and "Nothing was changed" in refused.text

    due = datetime.now(UTC) + timedelta(seconds=5)
    results = []

    def scheduler():
        with app.app_context():
            results.append(dispatch_due_bulletins(db.session, due))
            db.session.remove()

    runs = [threading.Thread(target=scheduler) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    dispatch_due_bulletins(session, due + timedelta(minutes=1))  # and once more, later
    assert sorted(results) == [0, 1]
    assert len(fake.accepted) == 4 == len({m.to_email for m in fake.accepted})


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(at=st.text(max_size=60))
def test_any_send_time_in_the_address_is_a_page_or_a_refusal_never_an_error(client, drafted, at):
    response = client.get(f"/staff/bulletins/{drafted.id}/send/check", query_string={"at": at})
    assert response.status_code in (200, 302, 400)


def test_a_bulletin_edited_after_the_look_is_not_sent_until_looked_at_again(
    session, client, drafted
):
    look = f"/staff/bulletins/{drafted.id}/send/check?at=now"
    fields = confirm_fields(client.get(look).text)
    client.post(f"/staff/bulletins/{drafted.id}/edit", data={"title": "Changed", "intro": "New"})
    refused = client.post(f"/staff/bulletins/{drafted.id}/send", data=fields)
    assert refused.status_code == 409 and "edited in another window" in refused.text
    session.refresh(drafted)
    assert drafted.status is BulletinStatus.DRAFT
