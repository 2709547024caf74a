"""Staff sign-in: password, second factor, enrolment, waits after failures, recovery codes,
sign-out."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from panel.auth import services, throttle
from panel.auth.models import Role
from tests.factories import STAFF_PASSWORD, make_staff


def _sign_in(client, email, password=STAFF_PASSWORD):
    return client.post("/staff/sign-in", data={"email": email, "password": password})


def test_password_then_code_signs_in_and_shows_staff_home(client, session):
    user = make_staff(session, Role.COMMS)
    session.commit()
    response = _sign_in(client, user.email.upper())
    assert response.status_code == 302 and response.location.endswith("/staff/sign-in/code")
    assert client.get("/staff/").status_code == 302  # not signed in until the second factor
    code = pyotp.TOTP(user.totp_secret).now()
    response = client.post("/staff/sign-in/code", data={"code": code})
    assert response.status_code == 302 and response.location.endswith("/staff/")
    page = client.get("/staff/")
    assert page.status_code == 200 and f"Hello, {user.name}" in page.text


def test_wrong_password_and_unknown_email_give_the_same_message(client, session):
    user = make_staff(session)
    session.commit()
    wrong = _sign_in(client, user.email, "not the password at all")
    unknown = _sign_in(client, "nobody@example.nhs.uk", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    message = "Enter a correct email address and password"
    assert message in wrong.text and message in unknown.text
    assert 'value="nobody@example.nhs.uk"' in unknown.text  # what was typed is kept


def test_repeated_failures_from_one_address_must_wait_with_429(client, session, app):
    user = make_staff(session)
    session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _sign_in(client, user.email, "wrong password here").status_code == 200
    # Even the right password is not checked while this address must wait.
    waiting = _sign_in(client, user.email)
    assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) >= 1
    assert "Too many failed attempts" in waiting.text and f'value="{user.email}"' in waiting.text
    # The same account from another address is not held up.
    elsewhere = client.application.test_client()
    response = elsewhere.post(
        "/staff/sign-in",
        data={"email": user.email, "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert response.status_code == 302


def test_wrong_codes_from_one_address_must_wait(client, session, app):
    user = make_staff(session)
    session.commit()
    _sign_in(client, user.email)
    statuses = [
        client.post("/staff/sign-in/code", data={"code": "000000"}).status_code
        for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    right = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert right.status_code == 429  # not even checked until the wait is over


def test_waits_double_after_the_free_failures_and_stop_at_the_cap(session, app, now):
    key = throttle.throttle_key("password", "someone@example.nhs.uk", "192.0.2.1")
    free, cap = app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_MAX_DELAY_MINUTES"] * 60
    waits = []
    for _ in range(free + 20):
        throttle.record_failure(session, key, now)
        waits.append(throttle.seconds_to_wait(session, key, now))
    assert waits[: free - 1] == [0] * (free - 1)
    assert waits[free - 1 : free + 3] == [2, 4, 8, 16]
    assert waits[-1] == cap and max(waits) == cap
    assert throttle.seconds_to_wait(session, key, now + timedelta(seconds=cap)) == 0


def test_waiting_is_per_account_and_address(session, app, now):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        throttle.record_failure(session, throttle.throttle_key("password", "a@x.nhs.uk", "1"), now)
    assert throttle.seconds_to_wait(
        session, throttle.throttle_key("password", "A@X.nhs.uk", "1"), now
    )
    for other in (("a@x.nhs.uk", "2"), ("b@x.nhs.uk", "1")):
        key = throttle.throttle_key("password", *other)
        assert throttle.seconds_to_wait(session, key, now) == 0


def test_a_totp_code_cannot_be_used_twice(session, app, now):
    user = make_staff(session)
    code = pyotp.TOTP(user.totp_secret).at(now)
    services.check_second_factor(session, user, code, "192.0.2.1", now)
    with pytest.raises(services.AuthError):
        services.check_second_factor(session, user, code, "192.0.2.1", now + timedelta(seconds=5))


def test_recovery_code_works_once(session, app, now):
    user = make_staff(session)
    codes = services.regenerate_recovery_codes(session, user, now)
    services.check_second_factor(session, user, codes[0].upper(), "192.0.2.1", now)
    with pytest.raises(services.AuthError):
        services.check_second_factor(session, user, codes[0], "192.0.2.1", now)


def test_first_sign_in_enrols_an_authenticator_and_shows_recovery_codes(client, session):
    user = make_staff(session, enrolled=False)
    session.commit()
    response = _sign_in(client, user.email)
    assert response.location.endswith("/staff/sign-in/set-up-authenticator")
    page = client.get("/staff/sign-in/set-up-authenticator")
    secret = re.search(r'class="app-code">([A-Z2-7]+)<', page.text).group(1)
    bad = client.post("/staff/sign-in/set-up-authenticator", data={"code": "12345"})
    assert "Enter the 6-digit code" in bad.text
    done = client.post(
        "/staff/sign-in/set-up-authenticator", data={"code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200 and "Your recovery codes" in done.text
    assert len(re.findall(r'<li class="app-code">', done.text)) == services.RECOVERY_CODE_COUNT
    assert client.get("/staff/").status_code == 200


def test_code_page_without_password_step_goes_back_to_sign_in(client):
    assert client.get("/staff/sign-in/code").location.endswith("/staff/sign-in")
    assert client.post("/staff/sign-in/code", data={"code": "123456"}).status_code == 302


def test_disabled_account_cannot_sign_in(client, session):
    user = make_staff(session, is_enabled=False)
    session.commit()
    assert "Enter a correct email address" in _sign_in(client, user.email).text


def test_sign_out_ends_the_session(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    assert client.get("/staff/sign-out").status_code == 200
    assert client.post("/staff/sign-out").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client, session):
    user = make_staff(session)
    session.commit()
    client.post(
        "/staff/sign-in?next=//evil.example/",
        data={"email": user.email, "password": STAFF_PASSWORD},
    )
    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.location.endswith("/staff/")


def test_oversized_and_malformed_input_gets_a_message_not_a_500(client):
    response = client.post("/staff/sign-in", data={"email": "x" * 10_000, "password": "y" * 500})
    assert response.status_code == 200
    assert "254 characters or fewer" in response.text
