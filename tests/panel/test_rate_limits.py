"""Rate limits on sign-in, joining and magic links answer 429, per address as well as per IP;
the client address comes from the configured number of trusted proxies; no stranger can lock a
named account out, and no answer says whether an account exists (quality bar 5)."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.factories import STAFF_PASSWORD, make_member, make_staff
from tests.panel.test_joining import DETAILS, join


@pytest.fixture
def app_config(tmp_path, request):
    """Rate limits on; a test may add settings with ``indirect`` parametrisation."""
    extra = getattr(request, "param", {})
    return {"RATELIMIT_ENABLED": True, "OUTBOX_DIR": str(tmp_path / "outbox"), **extra}


behind_one_proxy = pytest.mark.parametrize(
    "app_config", [{"TRUSTED_PROXY_HOPS": 1}], indirect=True, ids=["one-proxy"]
)
with_csrf = pytest.mark.parametrize(
    "app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True, ids=["csrf"]
)


def _from(address: str) -> dict:
    """The request as the proxy passes it on: its own address, the client's in the header."""
    return {"headers": {"X-Forwarded-For": address}}


def _failed_sign_in(client, email: str, **request):
    return client.post(
        "/staff/sign-in", data={"email": email, "password": "wrong password"}, **request
    ).status_code


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


@behind_one_proxy
def test_two_clients_behind_one_proxy_are_limited_separately(client):
    first = [_failed_sign_in(client, f"a{i}@x.nhs.uk", **_from("198.51.100.1")) for i in range(11)]
    assert first[:10] == [200] * 10 and first[10] == 429
    assert _failed_sign_in(client, "b@x.nhs.uk", **_from("198.51.100.2")) == 200


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(client):
    statuses = [
        _failed_sign_in(client, f"a{i}@x.nhs.uk", **_from(f"203.0.113.{i}")) for i in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


@behind_one_proxy
def test_a_stranger_failing_fifty_times_cannot_lock_the_real_person_out(client, app, session):
    user = make_staff(session)
    session.commit()
    stranger = [_failed_sign_in(client, user.email, **_from("203.0.113.66")) for _ in range(50)]
    assert stranger[-1] == 429
    real_person = app.test_client()
    step_one = real_person.post(
        "/staff/sign-in",
        data={"email": user.email, "password": STAFF_PASSWORD},
        **_from("198.51.100.7"),
    )
    assert step_one.status_code == 302
    code = pyotp.TOTP(user.totp_secret).now()
    done = real_person.post("/staff/sign-in/code", data={"code": code}, **_from("198.51.100.7"))
    assert done.status_code == 302 and done.location == "/staff/"


def _page_without_secrets(response, typed: str) -> str:
    """The page with the CSRF token, the CSP nonce and what was typed taken out."""
    text = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]*', r"\1", response.text)
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    return text.replace(typed, "TYPED")


def _post_with_token(client, url: str, data: dict, **request):
    page = client.get(url, **request)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    return client.post(url, data={**data, "csrf_token": token}, **request)


@with_csrf
def test_answers_for_existing_and_unknown_accounts_are_identical(app, session):
    user, member = make_staff(session), make_member(session)
    session.commit()
    unknown = "nobody.here@example.nhs.uk"

    def answers(email: str, address: str) -> list[tuple[int, str]]:
        client = app.test_client()
        where = {"environ_base": {"REMOTE_ADDR": address}}
        wrong = {"email": email, "password": "not the password"}
        pages = [_post_with_token(client, "/staff/sign-in", wrong, **where)]
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            pages.append(_post_with_token(client, "/staff/sign-in", wrong, **where))
        pages.append(_post_with_token(client, "/staff/password-reset", {"email": email}, **where))
        return [(page.status_code, _page_without_secrets(page, email)) for page in pages]

    known_pages, unknown_pages = answers(user.email, "192.0.2.10"), answers(unknown, "192.0.2.11")
    assert [status for status, _ in known_pages] == [200] * 5 + [429, 200]
    assert known_pages == unknown_pages

    def member_answers(email: str) -> str:
        client = app.test_client()
        page = _post_with_token(client, "/my-panel/sign-in", {"email": email})
        return page.status_code, _page_without_secrets(page, email)

    assert member_answers(member.email) == member_answers("not.a.member@example.com")


def test_joining_looks_the_same_for_members_and_newcomers(app, session):
    member = make_member(session)
    session.commit()

    def join_as(email: str):
        client = app.test_client()
        done = join(client, {**DETAILS, "email": email})
        page = client.get(done.location)
        return done.status_code, done.location, _page_without_secrets(page, email)

    assert join_as(member.email) == join_as("newcomer@example.com")
