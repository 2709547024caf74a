"""Password reset and staff invitations by signed, expiring, single-use links."""

from __future__ import annotations

import re

import pyotp

from panel.auth.models import Role
from tests.factories import STAFF_PASSWORD, make_staff, place


def _link(message, path):
    return re.search(rf"http://panel\.test({path}/[A-Za-z0-9._-]+)", message.text_body).group(1)


def test_reset_link_sets_a_new_password_once(client, session, outbox):
    user = make_staff(session)
    session.commit()
    response = client.post("/staff/password-reset", data={"email": user.email})
    assert "Check your email" in response.text
    [message] = outbox()
    assert message.to_email == user.email and message.html_body and message.text_body
    link = _link(message, "/staff/password-reset")
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert "between 12 and 128 characters" in weak.text
    done = client.post(
        link, data={"password": "a brand new password", "confirm": "a brand new password"}
    )
    assert done.status_code == 302
    assert client.get(link).status_code == 400  # used: the link no longer works
    signed_in = client.post(
        "/staff/sign-in", data={"email": user.email, "password": "a brand new password"}
    )
    assert signed_in.location.endswith("/staff/sign-in/code")


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, outbox):
    response = client.post("/staff/password-reset", data={"email": "nobody@example.nhs.uk"})
    assert "Check your email" in response.text
    assert outbox() == []


def test_tampered_reset_link_is_refused(client):
    response = client.get("/staff/password-reset/not-a-real-token")
    assert response.status_code == 400 and "This link does not work" in response.text


def test_invited_staff_member_sets_a_password_and_enrols(client, session, login_as, outbox):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    blackpool = place(session, "blackpool")
    response = client.post(
        "/staff/admin/staff/invite",
        data={
            "email": "New.Person@Example.nhs.uk",
            "name": "New Person",
            "role": "place",
            "places": [str(blackpool.id)],
            "is_enabled": "y",
        },
    )
    assert response.status_code == 302
    [message] = outbox()
    assert message.to_email == "new.person@example.nhs.uk"
    link = _link(message, "/staff/invitation")
    client.post("/staff/sign-out")
    assert (
        client.post(link, data={"password": STAFF_PASSWORD, "confirm": STAFF_PASSWORD}).status_code
        == 302
    )
    assert client.get(link).status_code == 400  # single use
    response = client.post(
        "/staff/sign-in", data={"email": "new.person@example.nhs.uk", "password": STAFF_PASSWORD}
    )
    assert response.location.endswith("/staff/sign-in/set-up-authenticator")
    page = client.get("/staff/sign-in/set-up-authenticator").text
    secret = re.search(r'class="app-code">([A-Z2-7]+)<', page).group(1)
    client.post("/staff/sign-in/set-up-authenticator", data={"code": pyotp.TOTP(secret).now()})
    home = client.get("/staff/")
    assert "Place team for Blackpool" in home.text
