"""The public registration page's POSTs are rate limited per IP, like the join form's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from surveys.engagement_events.registration import set_registration
from tests.surveys.event_helpers import make_event


@pytest.fixture
def app_config(tmp_path):
    return {"RATELIMIT_ENABLED": True, "OUTBOX_DIR": str(tmp_path / "outbox")}


def test_registering_is_limited_per_ip_and_reading_the_page_is_not(client, session):
    now = datetime.now(UTC)
    event = make_event(session, now, capacity=50)
    set_registration(session, event, True, [], now)
    session.commit()
    url = f"/events/{event.id}/register"

    statuses = [
        client.post(url, data={"name": "A", "email": f"p{i}@example.com"}).status_code
        for i in range(11)
    ]

    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert client.get(url).status_code == 200
