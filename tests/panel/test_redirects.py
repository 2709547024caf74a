"""Redirects taken from user input stay on this site (quality bar 23): the one helper, fed known
open-redirect payloads, and the same payloads through the real staff sign-in."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pyotp
import pytest

from panel.redirects import referrer_path, safe_redirect_target, same_site_path
from tests.factories import STAFF_PASSWORD, make_staff

#: Known ways to turn "go back to where you were" into "go to evil.example".
OPEN_REDIRECT_PAYLOADS = [
    "//evil.example",
    "//evil.example/",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%2F%2Fevil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%255Cevil.example",
    "/%5C%5Cevil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    "/%0A/evil.example",
    "/\r/evil.example",
    "/%0D/evil.example",
    "/%0D%0A/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "//evil.example%00",
    "/%00//evil.example",
    "http:evil.example",
    "http:/evil.example",
    "http://evil.example",
    "https://evil.example/staff/",
    "HTTPS://evil.example",
    "https:/\\evil.example",
    "javascript:alert(1)",
    "/javascript:alert(1)//evil.example/%0a",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "@evil.example",
    "evil.example",
    "//panel.test@evil.example",
    "/%40evil.example/..//evil.example",
    "/staff/../..//evil.example",
    "/staff/%2e%2e/%2e%2e//evil.example",
    "/./evil.example",
    "\u2215\u2215evil.example",
    "/\u2215evil.example",
    "\uff0f\uff0fevil.example",
    "/\uff0fevil.example",
    "/\u3002evil.example",
    "/%E2%88%95evil.example",
    "/%EF%BC%8F%EF%BC%8Fevil.example",
    "/\u202e/evil.example",
    "/\u200b/evil.example",
    "/\x7f/evil.example",
    "/%7F/evil.example",
    "/" + "a" * 5000,
    "",
]

SAME_SITE_TARGETS = [
    "/staff/",
    "/staff/members?place=3&page=2",
    "/staff/surveys/12/results/comments?q=late%20bus#answer-4",
    "/staff/audit?next=//evil.example",  # only the path decides where the browser goes
    "/engagement/7",
]


@pytest.mark.parametrize("payload", OPEN_REDIRECT_PAYLOADS)
def test_the_helper_refuses_every_known_open_redirect(payload):
    assert same_site_path(payload) is None
    assert safe_redirect_target(payload, "/staff/") == "/staff/"


@pytest.mark.parametrize("target", SAME_SITE_TARGETS)
def test_the_helper_keeps_paths_on_this_site(target):
    assert same_site_path(target) == target


def test_a_referrer_is_followed_only_from_this_site(app):
    cases = {
        "http://localhost/staff/surveys/1/results/comments?page=2": (
            "/staff/surveys/1/results/comments?page=2"
        ),
        "http://evil.example/staff/": "/fallback",
        "http://localhost.evil.example/staff/": "/fallback",
        "http://user@localhost/staff/": "/fallback",
        "http://localhost//evil.example/": "/fallback",
        "http://localhost/%2F%2Fevil.example": "/fallback",
        "http://[::1/": "/fallback",
        "not a url at all": "/fallback",
    }
    for referrer, expected in cases.items():
        with app.test_request_context("/", headers={"Referer": referrer}):
            assert referrer_path("/fallback") == expected, referrer


def _sign_in_with_next(client, user, next_value):
    client.post(
        f"/staff/sign-in?next={quote(next_value, safe='')}",
        data={"email": user.email, "password": STAFF_PASSWORD},
    )
    return client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(user.totp_secret).now()})


def test_sign_in_never_sends_anyone_off_the_site(app, session):
    users = [make_staff(session) for _ in OPEN_REDIRECT_PAYLOADS]
    session.commit()
    for user, payload in zip(users, OPEN_REDIRECT_PAYLOADS, strict=True):
        response = _sign_in_with_next(app.test_client(), user, payload)
        assert response.status_code == 302, payload
        assert response.location == "/staff/", (payload, response.location)


def test_sign_in_returns_to_the_page_that_asked_for_it(client, session):
    user = make_staff(session)
    session.commit()
    login_page = client.get("/staff/members/?place=3")
    assert login_page.status_code == 302
    asked = urlsplit(login_page.location)
    client.post(
        f"{asked.path}?{asked.query}", data={"email": user.email, "password": STAFF_PASSWORD}
    )
    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.location == "/staff/members/?place=3"
