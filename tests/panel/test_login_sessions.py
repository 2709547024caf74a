"""Sessions end on the server (quality bar 22): a copied cookie stops working after sign-out, and
every session of a person ends when their password, role, places or second factor changes, when
their account is disabled or when they leave the panel."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa

from app import create_app
from panel.auth import services
from panel.auth.models import Role
from panel.database import utcnow
from panel.login_sessions import LoginSession, purge_expired_sessions
from tests.conftest import BASE_CONFIG
from tests.factories import STAFF_PASSWORD, make_member, make_staff, place, sign_in_test_client

SIGN_IN = "/staff/sign-in"


def _sign_in(client, user):
    """Both steps of the real staff sign-in."""
    client.post(SIGN_IN, data={"email": user.email, "password": STAFF_PASSWORD})
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post("/staff/sign-in/code", data={"code": code}).status_code == 302


def _copy_cookie(source, target):
    """What someone who copied the browser's session cookie would hold."""
    target.set_cookie("session", source.get_cookie("session").value)
    return target


def _signed_in_twice(app, user):
    """A browser signed in for real, and a second client holding a copy of its cookie."""
    browser = app.test_client()
    _sign_in(browser, user)
    copy = _copy_cookie(browser, app.test_client())
    assert browser.get("/staff/").status_code == 200
    assert copy.get("/staff/").status_code == 200
    return browser, copy


def _signed_out(client) -> bool:
    response = client.get("/staff/")
    return response.status_code == 302 and "/staff/sign-in" in response.location


def _edit(admin, user, **changes):
    details = {
        "name": user.name,
        "role": user.role.value,
        "places": [str(place_id) for place_id in sorted(user.place_ids)],
        "is_enabled": "y",
        **changes,
    }
    details = {key: value for key, value in details.items() if value is not None}
    response = admin.post(f"/staff/admin/staff/{user.id}", data=details)
    assert response.status_code == 302, response.text


def test_a_copied_cookie_stops_working_after_sign_out(app, session):
    user = make_staff(session)
    session.commit()
    browser, copy = _signed_in_twice(app, user)
    assert browser.post("/staff/sign-out").status_code == 302
    assert _signed_out(copy) and _signed_out(browser)


def test_the_cookie_holds_a_random_token_and_the_database_only_its_hash(app, client, session):
    user = make_staff(session)
    session.commit()
    _sign_in(client, user)
    cookie = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie("session").value
    )
    token = cookie["_user_id"]
    assert token not in {str(user.id), user.session_token, user.email}
    hashes = session.scalars(sa.select(LoginSession.token_hash)).all()
    assert len(hashes) == 1 and token not in hashes[0]


def test_signing_out_one_browser_leaves_the_others_signed_in(app, session):
    user = make_staff(session)
    session.commit()
    work, home = app.test_client(), app.test_client()
    _sign_in(work, user)
    sign_in_test_client(home, user)
    session.commit()
    work.post("/staff/sign-out")
    assert _signed_out(work) and home.get("/staff/").status_code == 200


def test_a_password_reset_ends_every_session(app, session, outbox):
    user = make_staff(session)
    session.commit()
    browser, copy = _signed_in_twice(app, user)
    other = app.test_client()
    other.post("/staff/password-reset", data={"email": user.email})
    link = re.search(r"http://panel\.test(/staff/password-reset/\S+)", outbox()[-1].text_body)
    new_password = {"password": "a brand new password", "confirm": "a brand new password"}
    assert other.post(link.group(1), data=new_password).status_code == 302
    assert _signed_out(browser) and _signed_out(copy)


def test_a_role_change_ends_every_session(app, session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    user = make_staff(session, Role.COMMS)
    session.commit()
    browser, copy = _signed_in_twice(app, user)
    _edit(client, user, role="observer")
    assert _signed_out(browser) and _signed_out(copy)


def test_a_change_of_places_ends_every_session(app, session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    user = make_staff(session, Role.PLACE, places=["blackpool"])
    session.commit()
    browser, copy = _signed_in_twice(app, user)
    both = [str(place(session, code).id) for code in ("blackpool", "lancashire")]
    _edit(client, user, places=both)
    assert _signed_out(browser) and _signed_out(copy)


def test_disabling_an_account_ends_every_session(app, session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    user = make_staff(session, Role.OBSERVER)
    session.commit()
    browser, copy = _signed_in_twice(app, user)
    _edit(client, user, is_enabled=None)
    assert _signed_out(browser) and _signed_out(copy)


def test_renaming_someone_leaves_them_signed_in(app, session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    user = make_staff(session, Role.OBSERVER)
    session.commit()
    browser, copy = _signed_in_twice(app, user)
    _edit(client, user, name="A New Name")
    assert browser.get("/staff/").status_code == 200 and copy.get("/staff/").status_code == 200


def test_new_recovery_codes_end_every_other_session(app, session):
    user = make_staff(session)
    session.commit()
    browser = app.test_client()
    _sign_in(browser, user)
    elsewhere = app.test_client()
    sign_in_test_client(elsewhere, user)
    session.commit()
    page = browser.post("/staff/account", data={"confirm": "y"})
    assert "Your recovery codes" in page.text
    assert browser.get("/staff/").status_code == 200  # the browser that asked stays in
    assert _signed_out(elsewhere)


def test_enrolling_a_new_authenticator_ends_every_session(app, session, now):
    user = make_staff(session)
    sign_in_test_client(app.test_client(), user)
    user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), None
    session.flush()
    code = pyotp.TOTP(user.totp_secret).at(now)
    services.confirm_totp_enrolment(session, user, code, "192.0.2.1", now)
    remaining = session.scalar(
        sa.select(sa.func.count()).where(LoginSession.staff_user_id == user.id)
    )
    assert remaining == 0


def test_a_session_ends_after_its_maximum_age(app, session, client, login_as, monkeypatch):
    login_as(make_staff(session))
    session.commit()
    assert client.get("/staff/").status_code == 200
    later = utcnow() + timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    monkeypatch.setattr("panel.auth.loader.utcnow", lambda: later)
    assert _signed_out(client)
    assert purge_expired_sessions(session, later) == 1
    assert purge_expired_sessions(session, later) == 0


def test_signing_out_through_one_web_server_ends_the_session_on_another(
    app, session, database_url, app_config
):
    user = make_staff(session)
    session.commit()
    first = app.test_client()
    _sign_in(first, user)
    other_server = create_app(
        {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **app_config}
    )
    second = _copy_cookie(first, other_server.test_client())
    with other_server.app_context():
        assert second.get("/staff/").status_code == 200
    first.post("/staff/sign-out")
    with other_server.app_context():
        assert _signed_out(second)
        other_server.extensions["sqlalchemy"].engines[None].dispose()


def _member_signs_in(client, member, outbox):
    client.post("/my-panel/sign-in", data={"email": member.email})
    link = re.search(r"http://panel\.test(/my-panel/link/\S+)", outbox()[-1].text_body).group(1)
    assert client.post(link).status_code == 302
    assert client.get("/my-panel/").status_code == 200


def _member_signed_out(client) -> bool:
    response = client.get("/my-panel/")
    return response.status_code == 302 and response.location.endswith("/my-panel/sign-in")


def test_a_members_copied_cookie_stops_working_after_sign_out(app, session, outbox):
    member = make_member(session)
    session.commit()
    browser = app.test_client()
    _member_signs_in(browser, member, outbox)
    copy = _copy_cookie(browser, app.test_client())
    assert copy.get("/my-panel/").status_code == 200
    browser.post("/my-panel/sign-out")
    assert _member_signed_out(copy) and _member_signed_out(browser)


def test_leaving_the_panel_ends_every_session_of_the_member(app, session, outbox):
    member = make_member(session)
    session.commit()
    phone, laptop = app.test_client(), app.test_client()
    _member_signs_in(phone, member, outbox)
    _member_signs_in(laptop, member, outbox)
    copy = _copy_cookie(phone, app.test_client())
    assert "You have left the panel" in phone.post("/my-panel/leave", data={"leave": "yes"}).text
    assert _member_signed_out(copy) and _member_signed_out(laptop)
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 0
