"""Every form, fed generated input, answers with a page and never a 500 (quality bar 1)."""

from __future__ import annotations

import re

from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_member, make_staff, place

FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([a-z_]+)"')
nasty_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "2026-02-30",
            "../../etc",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "x" * 5000,
            "१२३",
            "=cmd|' /C calc'!A0",
            "FY1 1AA",
            "not-an-email",
            "a@b.c",
        ]
    ),
)


def _routes(app, session, user):
    args = {
        "user_id": user.id,
        "place_id": place(session, "blackpool").id,
        "code": "FY1",
        "member_id": make_member(session).id,
        "import_id": 1,
        "source_id": 1,
        "segment_id": 1,
        "selection_id": 1,
        "name": "x.eml",
        "token": "bad-token",
        "kind": "r",
    }
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods and rule.endpoint != "static":
                routes.append(url_for(rule.endpoint, **{k: args.get(k, 1) for k in rule.arguments}))
    return routes


def test_generated_input_never_causes_a_server_error(app, client, session, login_as):
    user = login_as(make_staff(session))
    session.commit()
    routes = _routes(app, session, user)
    fields_by_route = {}
    for url in routes:
        page = client.get(url)
        names = set(FIELD_NAME.findall(page.text)) if page.status_code == 200 else set()
        fields_by_route[url] = sorted(names - {"csrf_token"}) or ["value"]

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def post_garbage(data):
        url = data.draw(st.sampled_from(routes))
        form = {name: data.draw(nasty_text) for name in fields_by_route[url]}
        response = client.post(url, data=form)
        assert response.status_code < 500, (url, form, response.status_code)

    post_garbage()
    assert len(routes) > 20
