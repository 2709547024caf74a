"""The API's rate limits: per address without a key, per key with one; a call over the limit is
a 429 problem, and one caller's calls do not use up another's."""

from __future__ import annotations

import pytest

from tests.api.helpers import bearer, key_for


@pytest.fixture
def app_config(tmp_path):
    return {
        "RATELIMIT_ENABLED": True,
        "API_RATE_LIMIT_ANONYMOUS": "2/minute",
        "API_RATE_LIMIT_KEY": "3/minute",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
    }


def test_each_key_and_each_address_has_its_own_allowance(client, session):
    _one, first = key_for(session, ["read-public"])
    _two, second = key_for(session, ["read-public"])
    assert [client.get("/api/v1/surveys").status_code for _ in range(3)] == [200, 200, 429]
    over = client.get("/api/v1/decisions")
    assert over.mimetype == "application/problem+json"
    assert over.get_json()["status"] == 429 and over.get_json()["detail"]
    calls = [client.get("/api/v1/surveys", headers=bearer(first)).status_code for _ in range(4)]
    assert calls == [200, 200, 200, 429]
    assert client.get("/api/v1/surveys", headers=bearer(second)).status_code == 200
