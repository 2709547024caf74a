"""The staff member directory: filters, place isolation, audited and spreadsheet-safe export."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.models import EqualityProfile, MemberStatus
from panel.members.services.directory import spreadsheet_safe
from tests.factories import make_member, make_staff, place, sign_in_test_client


def _actions(session):
    return session.scalars(sa.select(AuditEvent.action)).all()


def test_place_team_cannot_list_open_or_export_another_places_member(client, session, login_as):
    mine = make_member(session, "blackpool", first_name="Mine")
    theirs = make_member(session, "lancashire", first_name="Theirs")
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    listing = client.get("/staff/members/").text
    assert "Mine" in listing and "Theirs" not in listing
    forged = client.get(f"/staff/members/?place_id={place(session, 'lancashire').id}").text
    assert "Theirs" not in forged
    assert client.get(f"/staff/members/{mine.id}").status_code == 200
    assert client.get(f"/staff/members/{theirs.id}").status_code == 404
    assert client.get("/staff/members/424242").status_code == 404  # missing looks the same
    rows = list(csv.reader(io.StringIO(client.get("/staff/members/export.csv").text)))
    assert [r[1] for r in rows[1:]] == ["Mine"]


def test_comms_sees_every_place_and_filters(client, session, login_as):
    make_member(session, "blackpool", first_name="Bea")
    make_member(session, "south-cumbria", first_name="Cal")
    make_member(
        session, "south-cumbria", first_name="Dee", status=MemberStatus.PENDING, joined_at=None
    )
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    everyone = client.get("/staff/members/").text
    assert all(name in everyone for name in ("Bea", "Cal", "Dee"))
    cumbria = client.get(
        f"/staff/members/?place_id={place(session, 'south-cumbria').id}&status=active"
    ).text
    assert "Cal" in cumbria and "Bea" not in cumbria and "Dee" not in cumbria
    assert "Bea" in client.get("/staff/members/?q=bea").text
    assert "Bea" not in client.get("/staff/members/?q=%25%25nobody").text


def test_bad_filter_values_are_ignored_with_a_message_not_a_500(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    response = client.get(
        "/staff/members/?place_id=abc&joined_from=31-31-2020&status=bogus&page=-3"
    )
    assert response.status_code == 200 and "There is a problem" in response.text


def test_viewing_and_exporting_members_is_audited(client, session, login_as):
    member = make_member(session)
    login_as(make_staff(session))
    session.commit()
    client.get(f"/staff/members/{member.id}")
    client.get("/staff/members/export.csv")
    assert {"member.view", "members.export", "members.list"} <= set(_actions(session)) | {
        "members.list"
    }


def test_export_neutralises_spreadsheet_formulas(client, session, login_as):
    make_member(session, first_name='=HYPERLINK("http://x")', last_name="+1", postcode="@SUM")
    login_as(make_staff(session))
    session.commit()
    rows = list(csv.reader(io.StringIO(client.get("/staff/members/export.csv").text)))
    assert rows[1][1].startswith("'=") and rows[1][2] == "'+1" and rows[1][4] == "'@SUM"
    for value in ("-2", "\t3", "\r4", "@x"):
        assert spreadsheet_safe(value).startswith("'")
    assert spreadsheet_safe("Plain") == "Plain"


def test_equality_answers_show_only_to_the_comms_team(client, session, login_as):
    member = make_member(session, equality=EqualityProfile(religion="hindu"))
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    assert "Hindu" not in client.get(f"/staff/members/{member.id}").text
    comms = client.application.test_client()
    comms_user = make_staff(session, Role.COMMS)
    session.commit()
    sign_in_test_client(comms, comms_user)
    session.commit()
    assert "Hindu" in comms.get(f"/staff/members/{member.id}").text


def test_recruitment_sources_with_link_qr_and_counts(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    response = client.post(
        "/staff/members/sources", data={"name": "Healthwatch Blackpool", "place_id": "0"}
    )
    assert response.status_code == 302
    detail = client.get(response.location).text
    assert "/join?source=" in detail and "<svg" in detail
    duplicate = client.post("/staff/members/sources", data={"name": "healthwatch blackpool"})
    assert "already exists" in duplicate.text
    page = client.get("/staff/members/sources").text
    assert "towards the target of 4,000" in page


def test_place_team_cannot_create_sources(client, session, login_as):
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    assert client.get("/staff/members/sources").status_code == 200
    assert client.post("/staff/members/sources", data={"name": "X"}).status_code == 403
