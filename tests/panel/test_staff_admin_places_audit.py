"""The comms team's administration: staff, places, postcodes, audit log and outbox."""

from __future__ import annotations

import re

import sqlalchemy as sa

from mailer.backends import MailMessage, OutboxBackend
from panel.audit.models import AuditEvent
from panel.auth.models import Role, StaffUser
from panel.places.models import Place, PostcodeDistrict
from tests.factories import make_staff, place


def _audit_actions(session):
    return session.scalars(sa.select(AuditEvent.action)).all()


def test_comms_changes_a_users_role_and_places(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    other = make_staff(session, Role.OBSERVER)
    session.commit()
    lancashire = place(session, "lancashire")
    response = client.post(
        f"/staff/admin/staff/{other.id}",
        data={
            "name": other.name,
            "role": "place",
            "places": [str(lancashire.id)],
            "is_enabled": "y",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(StaffUser, other.id)
    assert changed.role is Role.PLACE and changed.place_ids == {lancashire.id}
    assert "staff.update" in _audit_actions(session)


def test_place_role_without_places_is_a_field_error(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    response = client.post(
        "/staff/admin/staff/invite",
        data={"email": "someone@example.nhs.uk", "name": "Some One", "role": "place"},
    )
    assert response.status_code == 200
    assert "Choose at least one place" in response.text
    assert 'value="someone@example.nhs.uk"' in response.text


def test_inviting_an_existing_email_is_refused(client, session, login_as):
    existing = make_staff(session)
    login_as(make_staff(session))
    session.commit()
    response = client.post(
        "/staff/admin/staff/invite",
        data={"email": existing.email, "name": "Dup", "role": "observer"},
    )
    assert "already exists" in response.text


def test_forged_place_and_role_values_are_field_errors(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    response = client.post(
        "/staff/admin/staff/invite",
        data={
            "email": "a@example.nhs.uk",
            "name": "A",
            "role": "superuser",
            "places": ["99999", "x"],
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text


def test_comms_cannot_remove_their_own_access(client, session, login_as):
    me = login_as(make_staff(session, Role.COMMS))
    session.commit()
    response = client.post(
        f"/staff/admin/staff/{me.id}", data={"name": me.name, "role": "observer", "is_enabled": "y"}
    )
    assert "cannot remove your own administrator access" in response.text


def test_renaming_a_place_is_saved_and_audited(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    blackpool = place(session, "blackpool")
    blank = client.post(f"/staff/places/{blackpool.id}", data={"name": "   "})
    assert "Enter a name for the place" in blank.text
    client.post(f"/staff/places/{blackpool.id}", data={"name": "Blackpool and Fylde Coast"})
    session.expire_all()
    assert session.get(Place, blackpool.id).name == "Blackpool and Fylde Coast"
    assert "place.rename" in _audit_actions(session)


def test_correcting_a_postcode_district(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    lancashire, blackpool = place(session, "lancashire"), place(session, "blackpool")
    response = client.post(
        "/staff/places/postcodes/fy7",
        data={
            "place_ids": [str(lancashire.id), str(blackpool.id)],
            "main_place_id": str(lancashire.id),
        },
    )
    assert response.status_code == 302
    session.expire_all()
    row = session.get(PostcodeDistrict, "FY7")
    assert row.place_id == lancashire.id and row.straddles and row.in_icb
    assert {p.code for p in row.places} == {"lancashire", "blackpool"}
    assert "postcode_district.update" in _audit_actions(session)
    assert client.get("/staff/places/postcodes/ZZ9").status_code == 404


def test_audit_log_lists_events_for_comms(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    client.post(f"/staff/places/{place(session, 'blackpool').id}", data={"name": "Blackpool"})
    page = client.get("/staff/audit/?action=place")
    assert page.status_code == 200 and "place.rename" in page.text
    assert client.get("/staff/audit/?page=-4&action=" + "x" * 500).status_code == 200


def test_outbox_lists_and_shows_saved_messages_and_audits_it(client, session, login_as, app):
    login_as(make_staff(session))
    session.commit()
    OutboxBackend(app.config["OUTBOX_DIR"]).send(
        MailMessage(
            to_email="someone@example.com",
            subject="Hello <there>",
            text_body="Plain text",
            html_body="<p>HTML</p>",
            from_email="panel@example.nhs.uk",
            from_name="Panel",
            headers={"List-Unsubscribe": "<http://panel.test/u/x>"},
        )
    )
    listing = client.get("/staff/outbox/")
    assert "Hello &lt;there&gt;" in listing.text
    name = re.search(r"/staff/outbox/([0-9]{20}-[a-z0-9-]*\.eml)", listing.text).group(1)
    message = client.get(f"/staff/outbox/{name}")
    assert "Plain text" in message.text and "List-Unsubscribe" in message.text
    assert client.get("/staff/outbox/..%2Fsecret_key").status_code == 404
    assert {"outbox.list", "outbox.view"} <= set(_audit_actions(session))
