"""Every form that changes something rejects a POST without a valid CSRF token."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.factories import make_staff, place
from tests.role_matrix import CSRF_EXEMPT


@pytest.fixture
def app_config(tmp_path):
    return {"WTF_CSRF_ENABLED": True, "OUTBOX_DIR": str(tmp_path / "outbox")}


def test_every_post_route_rejects_a_missing_token(app, client, session, login_as):
    user = login_as(make_staff(session))
    session.commit()
    args = {
        "user_id": user.id,
        "place_id": place(session, "blackpool").id,
        "code": "FY1",
        "token": "x",
        "member_id": 1,
        "import_id": 1,
        "source_id": 1,
        "segment_id": 1,
        "selection_id": 1,
        "bulletin_id": 1,
        "item_id": 1,
        "name": "none.eml",
        "kind": "r",
    }
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: args.get(k, 1) for k in rule.arguments})
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, (rule.endpoint, response.status_code)
        assert "Your form had expired" in response.text
        wrong = client.post(url, data={"csrf_token": "forged"})
        assert wrong.status_code == 400, rule.endpoint
        checked += 1
    assert checked >= 8
