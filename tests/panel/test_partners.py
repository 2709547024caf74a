"""Partner organisations and partner accounts (issue 24 point 3): the role, the organisation
record, inviting a partner, and the partner's own home page of sign-up counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth import services as auth_services
from panel.auth.access import scope_to_places, visible_place_ids
from panel.auth.models import Role, StaffUser
from panel.members.models import Member, MemberStatus, RecruitmentSource
from panel.members.services import sources
from panel.partners import services
from panel.partners.models import PartnerOrganisation
from tests.factories import (
    make_member,
    make_partner,
    make_partner_organisation,
    make_staff,
    place,
)


def _actions(session) -> list[str]:
    return list(session.scalars(sa.select(AuditEvent.action)))


def _source(session, name, organisation=None, place_code="blackpool"):
    source = RecruitmentSource(
        name=name,
        place_id=place(session, place_code).id,
        partner_organisation_id=organisation.id if organisation else None,
    )
    session.add(source)
    session.flush()
    return source


def _members(session, source, count, status=MemberStatus.ACTIVE):
    for _ in range(count):
        make_member(session, recruitment_source_id=source.id, status=status)


# --- services, without HTTP -------------------------------------------------------------


def test_creating_an_organisation_is_audited_and_names_are_unique(session, now):
    comms = make_staff(session, Role.COMMS)
    organisation = services.create_organisation(
        session, comms, "  Healthwatch   Blackpool ", place(session, "blackpool").id, now
    )
    assert organisation.name == "Healthwatch Blackpool"
    assert "partner.create" in _actions(session)
    with pytest.raises(services.PartnerError) as taken:
        services.create_organisation(session, comms, "healthwatch blackpool", None, now)
    assert taken.value.field == "name"
    with pytest.raises(services.PartnerError) as unknown:
        services.create_organisation(session, comms, "Another", 999999, now)
    assert unknown.value.field == "place_id"
    with pytest.raises(services.PartnerError):
        services.create_organisation(session, comms, " \t ", None, now)


def test_a_partner_account_needs_an_organisation(session, now):
    comms = make_staff(session, Role.COMMS)
    details = auth_services.StaffDetails(name="Pat Partner", role=Role.PARTNER, place_ids=[])
    with pytest.raises(auth_services.AuthError) as error:
        auth_services.invite_staff(session, comms, "pat@example.org", details, now)
    assert error.value.field == "organisation"
    organisation = make_partner_organisation(session)
    details.partner_organisation_id = organisation.id
    user = auth_services.invite_staff(session, comms, "pat@example.org", details, now)
    assert user.role is Role.PARTNER and user.partner_organisation is organisation
    assert user.places == []


def test_an_icb_role_drops_the_organisation(session, now):
    comms = make_staff(session, Role.COMMS)
    partner = make_partner(session)
    details = auth_services.StaffDetails(
        name=partner.name, role=Role.OBSERVER, place_ids=[], partner_organisation_id=None
    )
    auth_services.update_staff(session, comms, partner, details, now)
    assert partner.partner_organisation_id is None


def test_a_partner_sees_no_place_s_people(session):
    from panel.places.models import District

    partner = make_partner(session)
    assert visible_place_ids(partner) == frozenset()
    rows = session.scalars(scope_to_places(sa.select(District), partner, District.place_id))
    assert rows.all() == []


def test_partner_signups_count_only_the_organisation_s_links_with_small_numbers_hidden(session):
    mine = make_partner_organisation(session, "Healthwatch Blackpool", "blackpool")
    theirs = make_partner_organisation(session, "Healthwatch Cumbria", "south-cumbria")
    big = _source(session, "Healthwatch stall", mine)
    small = _source(session, "Healthwatch newsletter", mine)
    other = _source(session, "Cumbria stall", theirs, "south-cumbria")
    _members(session, big, 12)
    _members(session, big, 2, MemberStatus.LEFT)
    _members(session, big, 3, MemberStatus.PENDING)
    _members(session, small, 3)
    _members(session, other, 20)
    signups = sources.partner_signups(session, mine.id)
    shown = {row["source"].name: (row["joined"], row["active"]) for row in signups.rows}
    # 14 joined (pending sign-ups are not members yet), 12 still members; 3 is hidden, and
    # so is the other cell of each column, which would give it away against the total
    assert shown == {"Healthwatch stall": ("*", "*"), "Healthwatch newsletter": ("*", "*")}
    assert (signups.joined_total, signups.active_total) == (17, 15)
    assert "Cumbria stall" not in shown
    assert sources.partner_signups(session, theirs.id).joined_total == 20


def test_linking_a_source_to_an_organisation_is_audited(session, now):
    comms = make_staff(session, Role.COMMS)
    organisation = make_partner_organisation(session)
    source = _source(session, "Library posters")
    sources.give_source_to_partner(session, comms, source, organisation.id, now)
    assert sources.partner_sources(session, organisation.id) == [source]
    assert "source.partner" in _actions(session)
    with pytest.raises(sources.SourceError):
        sources.give_source_to_partner(session, comms, source, 999999, now)


# --- pages --------------------------------------------------------------------------------


def test_comms_adds_an_organisation_and_invites_a_partner(client, session, login_as, outbox):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    response = client.post(
        "/staff/admin/partners/",
        data={"name": "Healthwatch Blackpool", "place_id": str(place(session, "blackpool").id)},
    )
    assert response.status_code == 302
    organisation = session.scalar(sa.select(PartnerOrganisation))
    assert client.get(response.location).status_code == 200
    response = client.post(
        "/staff/admin/staff/invite",
        data={
            "email": "pat@healthwatch.example",
            "name": "Pat Partner",
            "role": "partner",
            "organisation": str(organisation.id),
            "is_enabled": "y",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    user = session.scalar(sa.select(StaffUser).where(StaffUser.email == "pat@healthwatch.example"))
    assert user.role is Role.PARTNER and user.partner_organisation_id == organisation.id
    [message] = outbox()
    assert "for Healthwatch Blackpool" in message.text_body
    assert "Pat Partner" in client.get(f"/staff/admin/partners/{organisation.id}").text


def test_a_partner_invitation_without_an_organisation_is_a_field_error(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    response = client.post(
        "/staff/admin/staff/invite",
        data={"email": "pat@healthwatch.example", "name": "Pat", "role": "partner"},
    )
    assert "Choose the partner&#39;s organisation" in response.text
    assert 'value="pat@healthwatch.example"' in response.text
    assert session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 1


def test_a_duplicate_organisation_is_a_400_next_to_the_name(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    make_partner_organisation(session, "Healthwatch Blackpool")
    session.commit()
    response = client.post("/staff/admin/partners/", data={"name": "Healthwatch Blackpool"})
    assert response.status_code == 400
    assert "An organisation with this name already exists" in response.text
    response = client.post("/staff/admin/partners/", data={"name": "", "place_id": "x"})
    assert response.status_code == 400


def test_comms_gives_a_source_to_an_organisation(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    organisation = make_partner_organisation(session)
    source = _source(session, "Library posters")
    session.commit()
    response = client.post(
        f"/staff/admin/partners/{organisation.id}", data={"source_id": str(source.id)}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(RecruitmentSource, source.id).partner_organisation_id == organisation.id
    assert client.get("/staff/admin/partners/999999").status_code == 404


def test_the_partner_home_shows_own_links_and_counts_only(client, session, login_as):
    mine = make_partner_organisation(session, "Healthwatch Blackpool", "blackpool")
    theirs = make_partner_organisation(session, "Healthwatch Cumbria")
    stall = _source(session, "Healthwatch stall", mine)
    _source(session, "Cumbria stall", theirs)
    _members(session, stall, 9)
    member = session.scalar(sa.select(Member))
    partner = login_as(make_partner(session, mine))
    session.commit()
    response = client.get("/staff/partner/")
    assert response.status_code == 200
    assert "Healthwatch stall" in response.text and f"source={stall.code}" in response.text
    assert "Cumbria stall" not in response.text
    assert ">9<" in response.text
    assert member.email not in response.text and member.postcode not in response.text
    home = client.get("/staff/")
    assert home.status_code == 200 and "Healthwatch Blackpool" in home.text
    assert "/staff/partner/" in home.text and "/staff/members/" not in home.text
    assert partner.name in home.text


def test_a_partner_signs_in_with_two_factors_and_is_ended_when_moved(client, session, now):
    import pyotp

    from tests.factories import STAFF_PASSWORD

    partner = make_partner(session)
    session.commit()
    response = client.post(
        "/staff/sign-in", data={"email": partner.email, "password": STAFF_PASSWORD}
    )
    assert response.location.endswith("/staff/sign-in/code")
    code = pyotp.TOTP(partner.totp_secret).now()
    response = client.post("/staff/sign-in/code", data={"code": code})
    assert response.status_code == 302 and response.location.endswith("/staff/")
    assert client.get("/staff/partner/").status_code == 200
    assert client.get("/staff/account").status_code == 200
    # moving the account to another organisation ends its sessions at once
    details = auth_services.StaffDetails(
        name=partner.name,
        role=Role.PARTNER,
        place_ids=[],
        partner_organisation_id=make_partner_organisation(session).id,
    )
    auth_services.update_staff(session, make_staff(session, Role.COMMS), partner, details, now)
    session.commit()
    assert client.get("/staff/partner/").status_code == 302


def test_staff_pages_refuse_a_partner_and_partner_pages_refuse_staff(client, session, login_as):
    login_as(make_partner(session))
    session.commit()
    for url in ("/staff/members/", "/staff/members/sources", "/staff/admin/partners/"):
        assert client.get(url).status_code == 403, url


def test_an_icb_user_cannot_open_the_partner_home(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    assert client.get("/staff/partner/").status_code == 403
