"""Rate limits on sign-in, joining and magic links answer 429, per address as well as per IP."""

from __future__ import annotations

import pytest

from tests.factories import make_member


@pytest.fixture
def app_config(tmp_path):
    return {"RATELIMIT_ENABLED": True, "OUTBOX_DIR": str(tmp_path / "outbox")}


def test_staff_sign_in_is_limited_per_ip(client):
    statuses = [
        client.post(
            "/staff/sign-in", data={"email": f"x{i}@example.nhs.uk", "password": "wrong password"}
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_magic_link_requests_are_limited_per_ip(client):
    statuses = [
        client.post("/my-panel/sign-in", data={"email": f"p{i}@example.com"}).status_code
        for i in range(11)
    ]
    assert statuses[-1] == 429 and statuses[0] == 200


def test_magic_links_to_one_address_are_capped_whoever_asks(session, app, outbox):
    member = make_member(session)
    session.commit()
    for number in range(8):
        other_ip = app.test_client()
        other_ip.post(
            "/my-panel/sign-in",
            data={"email": member.email},
            environ_base={"REMOTE_ADDR": f"127.0.0.{number + 2}"},
        )
    assert len(outbox()) == 5  # the page looks the same; the sixth and later send nothing
