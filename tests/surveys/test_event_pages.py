"""Staff event pages and the invitee's reply page opened from the email."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.local_time import resolve_local_time
from surveys.engagement_events.models import EngagementEvent, InvitationState
from surveys.engagement_events.places import accept_invitation
from surveys.engagement_events.replies import reply_token
from tests.factories import make_staff, place
from tests.surveys.event_helpers import invite, make_event

DAY = (datetime.now(UTC) + timedelta(days=40)).date()


def _form(**overrides):
    values = {
        "title": "Maternity services listening event",
        "purpose": "Hear from parents about antenatal care.",
        "involvement": "discuss",
        "place_id": "",
        "format": "in_person",
        "venue": "Town Hall, Blackpool FY1 1AA",
        "accessibility": "Step-free access and a hearing loop",
        "map_url": "https://www.openstreetmap.org/#map=18/53.8/-3.05",
        "joining_link": "",
        "day": DAY.isoformat(),
        "starts": "14:00",
        "ends": "16:00",
        "capacity": "12",
        "replies_close_on": (DAY - timedelta(days=7)).isoformat(),
        "survey_id": "",
        "decision_id": "",
    }
    values.update(overrides)
    return values


def test_staff_add_an_event_in_local_time_and_see_it_listed(client, login_as, session):
    login_as(make_staff(session, Role.COMMS))
    session.commit()

    response = client.post("/staff/events/new", data=_form())

    assert response.status_code == 302
    event = session.scalar(sa.select(EngagementEvent))
    assert event.starts_at == resolve_local_time(DAY, time(14), "Europe/London")
    assert event.capacity == 12
    listing = client.get("/staff/events/")
    assert "Maternity services listening event" in listing.get_data(as_text=True)
    assert "0 of 12" in listing.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"venue": ""}, "venue", "Enter the venue"),
        ({"format": "online"}, "joining_link", "Enter the joining link"),
        ({"ends": "13:00"}, "ends", "end time must be after"),
        ({"capacity": "0"}, "capacity", "capacity from 1"),
        (
            {"replies_close_on": (DAY + timedelta(days=1)).isoformat()},
            "replies_close_on",
            "on or before",
        ),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_keeps_what_was_typed(
    client, login_as, session, overrides, field, message
):
    login_as(make_staff(session, Role.COMMS))
    session.commit()

    response = client.post("/staff/events/new", data=_form(**overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert f'href="#{field}"' in page
    assert "Maternity services listening event" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(EngagementEvent)) == 0


def test_capacity_below_the_confirmed_count_is_refused_beside_the_field(
    client, login_as, session, now
):
    event = make_event(
        session, now, capacity=3, starts_at=datetime.combine(DAY, datetime.min.time(), UTC)
    )
    for _ in range(2):
        accept_invitation(session, invite(session, event, now), now)
    login_as(make_staff(session, Role.COMMS))
    session.commit()

    response = client.post(f"/staff/events/{event.id}/edit", data=_form(capacity="1"))

    assert response.status_code == 400
    assert "2 people are already confirmed" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(EngagementEvent, event.id).capacity == 3


def test_a_place_team_sees_its_places_and_icb_wide_events_only(client, login_as, session, now):
    ours = make_event(
        session, now, title="Blackpool workshop", place_id=place(session, "blackpool").id
    )
    theirs = make_event(
        session, now, title="Other place workshop", place_id=place(session, "south-cumbria").id
    )
    make_event(session, now, title="ICB-wide roadshow")
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()

    page = client.get("/staff/events/").get_data(as_text=True)

    assert "Blackpool workshop" in page and "ICB-wide roadshow" in page
    assert "Other place workshop" not in page
    assert client.get(f"/staff/events/{theirs.id}").status_code == 404
    assert client.get(f"/staff/events/{ours.id}/edit").status_code == 200


def test_yes_from_the_email_link_confirms_once_and_emails_where_they_stand(client, session, outbox):
    now = datetime.now(UTC)
    event = make_event(session, now, capacity=1)
    first, second = invite(session, event, now), invite(session, event, now)
    session.commit()
    link, second_link = (
        f"/events/reply/{reply_token(first)}",
        f"/events/reply/{reply_token(second)}",
    )

    assert "Can you come?" in client.get(link).get_data(as_text=True)
    answered = client.post(
        link, data={"coming": "yes", "access_needs": "Hearing loop", "consent": "y"}
    )
    client.post(second_link, data={"coming": "yes"})

    assert "Your place is confirmed" in answered.get_data(as_text=True)
    assert "already used this link" in client.get(link).get_data(as_text=True)
    session.expire_all()
    assert [first.state, second.state] == [InvitationState.CONFIRMED, InvitationState.WAITING]
    assert first.access_needs == "Hearing loop"
    subjects = sorted(message.subject for message in outbox())
    assert subjects == [
        "You are on the waiting list: Diabetes care workshop",
        "Your place is confirmed: Diabetes care workshop",
    ]


def test_needs_without_consent_are_refused_beside_the_consent_box(client, session):
    now = datetime.now(UTC)
    invitation = invite(session, make_event(session, now), now)
    session.commit()

    response = client.post(
        f"/events/reply/{reply_token(invitation)}", data={"coming": "yes", "dietary_needs": "Vegan"}
    )

    assert response.status_code == 400
    assert "Tick the box" in response.get_data(as_text=True)
    session.expire_all()
    assert invitation.state is InvitationState.INVITED


def test_a_reply_after_the_closing_date_gets_a_kind_page(client, session):
    now = datetime.now(UTC)
    event = make_event(session, now - timedelta(days=8))
    invitation = invite(session, event, now)
    session.commit()

    response = client.get(f"/events/reply/{reply_token(invitation)}")

    assert response.status_code == 410
    assert "Replies to this event closed" in response.get_data(as_text=True)


def test_a_confirmed_person_gives_up_their_place_and_the_next_is_told(client, session, outbox):
    now = datetime.now(UTC)
    event = make_event(session, now, capacity=1)
    holder, waiting = invite(session, event, now), invite(session, event, now)
    accept_invitation(session, holder, now)
    accept_invitation(session, waiting, now)
    session.commit()

    response = client.post(f"/events/reply/{reply_token(holder)}", data={})

    assert "You have given up your place" in response.get_data(as_text=True)
    session.expire_all()
    assert waiting.state is InvitationState.CONFIRMED
    assert [m.subject for m in outbox()] == ["Your place is confirmed: Diabetes care workshop"]


def test_needs_are_shown_only_to_the_organisers_and_every_look_is_audited(
    client, login_as, session, now
):
    event = make_event(session, now, place_id=place(session, "blackpool").id)
    invitation = invite(session, event, now)
    accept_invitation(session, invitation, now)
    invitation.access_needs = "A hearing loop"
    other_team = make_staff(session, Role.PLACE, places=["south-cumbria"])
    organiser = make_staff(session, Role.PLACE, places=["blackpool"])
    session.commit()

    login_as(other_team)
    assert client.get(f"/staff/events/{event.id}/needs").status_code == 404
    login_as(organiser)
    page = client.get(f"/staff/events/{event.id}/needs").get_data(as_text=True)

    assert "A hearing loop" in page
    audits = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "event.needs_view")
    ).all()
    assert [(a.staff_user_id, a.object_ids) for a in audits] == [(organiser.id, str(event.id))]
