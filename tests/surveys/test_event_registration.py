"""Open registration on an event's public page: registrants take places through the same
conditional update as invitees, wait on the same list, are emailed the same confirmation, are
seen only by organisers and are forgotten by the same retention rule."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.extensions import db
from panel.field_errors import FieldError
from panel.segments import definition as definitions
from panel.segments.models import Segment
from panel.templating import local_datetime
from surveys.engagement_events.attendance import mark_booked, register_rows
from surveys.engagement_events.invite_checks import preview_event_invitation
from surveys.engagement_events.models import (
    EngagementEvent,
    EventInvitation,
    EventStatus,
    InvitationState,
)
from surveys.engagement_events.places import accept_invitation, decline_invitation
from surveys.engagement_events.registration import (
    AlreadyRegistered,
    RegistrationClosed,
    RegistrationFields,
    register,
    registrants_for_organisers,
    set_registration,
)
from surveys.engagement_events.reminders import send_event_reminders
from surveys.engagement_events.replies import needs_for_organisers, reply_token, tell_place
from surveys.engagement_events.retention import (
    NEEDS_RETENTION,
    REGISTRANT_DELETED,
    forget_event_needs,
)
from tests.factories import make_member, make_staff, place
from tests.surveys.event_helpers import invite, make_event


def _open_event(session, now, **overrides):
    event = make_event(session, now, **overrides)
    set_registration(session, event, True, ["What matters most to you?", "", "Anything else?"], now)
    return event


def _fields(name="Ada Lovelace", email="ada@example.com", **overrides):
    return RegistrationFields(name=name, email=email, **overrides)


def _emails(session):
    return session.execute(sa.text("SELECT to_email, kind FROM outbound_emails ORDER BY id")).all()


def test_questions_are_kept_without_blanks_and_at_most_five(session, now):
    event = make_event(session, now)

    set_registration(session, event, True, [" One? ", "", "Two?"], now)
    assert (event.registration_open, event.registration_questions) == (True, ["One?", "Two?"])

    with pytest.raises(FieldError) as too_many:
        set_registration(session, event, True, [f"Q{i}?" for i in range(6)], now)
    assert too_many.value.field == "registration_questions"
    with pytest.raises(FieldError):
        set_registration(session, event, True, ["x" * 201], now)
    assert event.registration_questions == ["One?", "Two?"]


def test_a_registrant_gets_a_place_with_the_confirmation_and_calendar_entry(session, now):
    event = _open_event(session, now, capacity=1)

    invitation = register(
        session, event, _fields(email=" Ada@Example.com ", answers=["Being heard", "No"]), now
    )

    assert invitation.state is InvitationState.CONFIRMED
    assert invitation.member_id is None
    assert invitation.registrant_email == "ada@example.com"
    assert invitation.answers == [
        {"question": "What matters most to you?", "answer": "Being heard"},
        {"question": "Anything else?", "answer": "No"},
    ]
    assert event.confirmed_count == 1
    assert _emails(session) == [("ada@example.com", "event_place_confirmed")]
    attachments = session.scalar(
        sa.text("SELECT attachments FROM outbound_emails WHERE kind = 'event_place_confirmed'")
    )
    assert "text/calendar" in str(attachments)


def test_when_full_a_registrant_waits_and_gets_a_freed_place_and_its_email(session, now):
    event = _open_event(session, now, capacity=1)
    member = invite(session, event, now)
    accept_invitation(session, member, now)

    waiting = register(session, event, _fields(), now)
    assert waiting.state is InvitationState.WAITING
    assert _emails(session)[-1] == ("ada@example.com", "event_waiting_list")

    decline_invitation(session, member, now + timedelta(hours=1), on_offer=tell_place)

    session.refresh(waiting)
    assert waiting.state is InvitationState.CONFIRMED
    assert _emails(session)[-1] == ("ada@example.com", "event_place_confirmed")
    assert event.confirmed_count == 1


def test_the_same_address_cannot_register_twice_for_one_event(session, now):
    event = _open_event(session, now)
    register(session, event, _fields(), now)

    with pytest.raises(AlreadyRegistered) as refused:
        register(session, event, _fields(name="Someone else", email="ADA@example.com"), now)

    assert refused.value.field == "email"
    other = _open_event(session, now)
    assert register(session, other, _fields(), now).state is InvitationState.CONFIRMED


@pytest.mark.parametrize("why", ["switched_off", "after_closing", "cancelled"])
def test_registration_is_refused_when_off_closed_or_cancelled(session, now, why):
    event = _open_event(session, now)
    when = now
    if why == "switched_off":
        set_registration(session, event, False, [], now)
    elif why == "after_closing":
        when = event.replies_close_at
    else:
        event.status = EventStatus.CANCELLED
    session.flush()

    with pytest.raises(RegistrationClosed):
        register(session, event, _fields(), when)
    assert session.scalar(sa.select(sa.func.count(EventInvitation.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"answers": ["x" * 20_000]}, "answer_1"),
        ({"access_needs": "Hearing loop"}, "consent"),
    ],
)
def test_bad_input_is_refused_naming_the_field(session, now, overrides, field):
    event = _open_event(session, now)

    with pytest.raises(FieldError) as refused:
        register(session, event, _fields(**overrides), now)

    assert refused.value.field == field
    assert event.confirmed_count == 0


def test_organisers_see_registrants_answers_and_needs_and_the_register_lists_them(session, now):
    event = _open_event(session, now, starts_at=now + timedelta(hours=1))
    invited = invite(session, event, now)
    accept_invitation(session, invited, now)
    register(
        session,
        event,
        _fields(answers=["Access"], access_needs="Step-free access", consent=True),
        now,
    )

    [row] = registrants_for_organisers(session, event)
    assert (row.name, row.email, row.state) == (
        "Ada Lovelace",
        "ada@example.com",
        InvitationState.CONFIRMED,
    )
    assert row.answers[0]["answer"] == "Access"
    assert [n.name for n in needs_for_organisers(session, event)] == ["Ada Lovelace"]
    names = [r.name for r in register_rows(session, event)]
    assert "Ada Lovelace" in names and len(names) == 2


def test_registrants_get_reminders_too(app, session, now):
    event = _open_event(session, now)
    register(session, event, _fields(), now)
    session.commit()

    assert send_event_reminders(session, event.starts_at - timedelta(days=7)) == 1
    assert _emails(session)[-1] == ("ada@example.com", "event_reminder")


def test_registrants_details_are_deleted_with_the_needs_after_the_event(session, now):
    event = _open_event(session, now)
    registrant = register(
        session, event, _fields(answers=["Mine"], dietary_needs="Vegan", consent=True), now
    )
    due = event.ends_at + NEEDS_RETENTION

    forget_event_needs(session, due - timedelta(minutes=1))
    session.refresh(registrant)
    assert registrant.registrant_email == "ada@example.com"

    forget_event_needs(session, due)
    session.refresh(registrant)
    assert registrant.registrant_name == REGISTRANT_DELETED
    assert (registrant.registrant_email, registrant.answers) == (None, None)
    assert registrant.dietary_needs == ""
    assert registrant.state is InvitationState.CONFIRMED  # the figures stay
    assert session.scalar(sa.select(sa.func.count()).where(EventInvitation.answers.is_(None))) == 1
    # Done once: a second run finds nothing left to delete and records no run.
    runs = sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "retention.event_needs"
    )
    before = session.scalar(runs)
    forget_event_needs(session, due + timedelta(days=1))
    assert session.scalar(runs) == before


def test_two_registrants_taking_the_last_place_at_the_same_instant_get_exactly_one(
    app, session, now
):
    events = []
    for _ in range(5):
        event = _open_event(session, now, capacity=2)
        accept_invitation(session, invite(session, event, now), now)
        events.append(event.id)
    session.commit()

    def race(event_id, email, barrier):
        with app.app_context():
            try:
                event = db.session.get(EngagementEvent, event_id)
                assert event.registration_questions  # loaded before the race starts
                barrier.wait()
                register(db.session, event, _fields(email=email), now)
                db.session.commit()
            except sa.exc.OperationalError:
                db.session.rollback()  # SQLite's lock timeout: this registration did not happen
            finally:
                db.session.remove()

    for event_id in events:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=race, args=(event_id, f"p{n}@example.com", barrier))
            for n in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    session.expire_all()
    for event_id in events:
        assert session.get(EngagementEvent, event_id).confirmed_count == 2
        states = session.scalars(
            sa.select(EventInvitation.state).where(
                EventInvitation.event_id == event_id, EventInvitation.member_id.is_(None)
            )
        ).all()
        assert states.count(InvitationState.CONFIRMED) == 1, states


# The pages (the view reads the clock, so these events are set around the real time).


def _live_event(session, **overrides):
    real_now = datetime.now(UTC)
    event = _open_event(session, real_now, **overrides)
    event.accessibility = "Step-free access and a hearing loop"
    session.commit()
    return event


def _post(**overrides):
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "answer_1": "Being heard"}
    data.update(overrides)
    return data


def test_the_page_shows_the_event_and_registering_confirms_a_place_by_email(
    client, session, outbox
):
    event = _live_event(session)
    url = f"/events/{event.id}/register"

    page = client.get(url).get_data(as_text=True)
    assert "Diabetes care workshop" in page
    assert "Step-free access and a hearing loop" in page
    assert "What matters most to you?" in page and "Anything else?" in page
    assert local_datetime(event.starts_at) in page  # Europe/London time
    assert session.scalar(sa.select(sa.func.count(EventInvitation.id))) == 0  # a GET writes nothing

    response = client.post(url, data=_post(access_needs="Large print", consent="y"))

    assert response.status_code == 200
    assert "Your place is confirmed" in response.get_data(as_text=True)
    session.expire_all()
    registrant = session.scalar(sa.select(EventInvitation))
    assert registrant.access_needs == "Large print"
    [message] = outbox()
    assert message.to_email == "ada@example.com"
    assert "text/calendar" in str(message.attachments)
    assert message.subject == "Your place is confirmed: Diabetes care workshop"


def test_a_full_event_puts_the_registrant_on_the_waiting_list(client, session):
    event = _live_event(session, capacity=1)
    client.post(f"/events/{event.id}/register", data=_post(email="first@example.com"))

    response = client.post(f"/events/{event.id}/register", data=_post())

    assert "you are on the waiting list" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter your name"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
        ({"answer_1": "x" * 20_000}, "Keep your answer to 1,000 characters or fewer"),
        ({"name": "Ada\x00 Lovelace", "email": "ada\x00@example.com"}, None),
        ({"dietary_needs": "Vegan"}, "Tick the box"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_what_was_typed_is_kept(
    client, session, overrides, message
):
    event = _live_event(session)

    response = client.post(
        f"/events/{event.id}/register", data=_post(answer_2="Kept answer", **overrides)
    )

    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    if message is not None:
        assert response.status_code == 400
        assert message in page
        assert "Kept answer" in page
        assert session.scalar(sa.select(sa.func.count(EventInvitation.id))) == 0


def test_the_same_address_registering_twice_is_refused_kindly(client, session):
    event = _live_event(session)
    client.post(f"/events/{event.id}/register", data=_post())

    response = client.post(f"/events/{event.id}/register", data=_post(email="ADA@example.com"))

    assert response.status_code == 400
    assert "already registered for this event" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count(EventInvitation.id))) == 1


@pytest.mark.parametrize(
    ("why", "status", "message"),
    [
        ("closed", 410, "Registration for this event closed"),
        ("cancelled", 410, "this event has been cancelled"),
        ("off", 404, "not taking registrations"),
    ],
)
def test_closed_cancelled_or_switched_off_registration_gets_a_kind_page(
    client, session, why, status, message
):
    real_now = datetime.now(UTC)
    event = _live_event(session)
    if why == "closed":
        event.replies_close_at = real_now - timedelta(minutes=1)
    elif why == "cancelled":
        event.status = EventStatus.CANCELLED
    else:
        event.registration_open = False
    session.commit()

    for response in (
        client.get(f"/events/{event.id}/register"),
        client.post(f"/events/{event.id}/register", data=_post()),
    ):
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    assert client.get("/events/999999/register").status_code == 404


def test_the_engagement_page_links_registration_for_listed_events_with_it_open(client, session):
    event = _live_event(session, listed_publicly=True)
    closed = _live_event(session, listed_publicly=True, title="Invitation-only group")
    closed.registration_open = False
    session.commit()

    page = client.get("/engagement/").get_data(as_text=True)

    assert f"/events/{event.id}/register" in page
    assert f"/events/{closed.id}/register" not in page


def test_organisers_switch_registration_on_and_see_registrants_audited(client, login_as, session):
    event = _live_event(session, place_id=place(session, "blackpool").id)
    set_registration(session, event, False, [], datetime.now(UTC))
    organiser = make_staff(session, Role.PLACE, places=["blackpool"])
    other_team = make_staff(session, Role.PLACE, places=["south-cumbria"])
    session.commit()
    login_as(other_team)
    assert client.get(f"/staff/events/{event.id}/registrants").status_code == 404
    login_as(organiser)

    form = client.get(f"/staff/events/{event.id}/edit").get_data(as_text=True)
    assert "Let anyone register" in form
    session.expire_all()
    assert event.registration_open is False

    set_registration(session, event, True, ["Why do you want to come?"], datetime.now(UTC))
    session.commit()
    client.post(
        f"/events/{event.id}/register", data=_post(answer_1="To be heard <script>x</script>")
    )
    page = client.get(f"/staff/events/{event.id}/registrants").get_data(as_text=True)

    assert "Ada Lovelace" in page and "ada@example.com" in page
    assert "To be heard &lt;script&gt;" in page
    audits = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "event.registrants_view")
    ).all()
    assert [a.staff_user_id for a in audits] == [organiser.id]


def test_organisers_switch_registration_on_with_questions_from_the_event_form(
    client, login_as, session
):
    day = (datetime.now(UTC) + timedelta(days=14)).replace(hour=10, minute=0, second=0)
    event = _live_event(
        session, starts_at=day.replace(microsecond=0), ends_at=day + timedelta(hours=2)
    )
    set_registration(session, event, False, [], datetime.now(UTC))
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    url = f"/staff/events/{event.id}/edit"
    form = _edit_form(client, url)

    too_many = client.post(
        url, data={**form, "registration_open": "y", "registration_questions": "a?\n" * 6}
    )
    assert too_many.status_code == 400
    assert "Ask at most 5 questions" in too_many.get_data(as_text=True)

    saved = client.post(
        url,
        data={**form, "registration_open": "y", "registration_questions": "Why?\n\nHow?"},
    )
    assert saved.status_code == 302
    session.expire_all()
    assert (event.registration_open, event.registration_questions) == (True, ["Why?", "How?"])
    assert "Why?\nHow?" in client.get(url).get_data(as_text=True)


def _edit_form(client, url):
    """The edit form's current values, as the browser would send them back."""
    from tests.security.forms import page_forms

    [form] = [f for f in page_forms(client.get(url).get_data(as_text=True)) if f.method == "post"]
    values = form.defaults()
    values.pop("registration_open", None)
    return values


def test_a_registrant_gives_up_their_place_from_the_email_and_the_next_is_told(
    client, session, outbox
):
    real_now = datetime.now(UTC)
    event = _live_event(session, capacity=1)
    holder = register(session, event, _fields(), real_now)
    waiting = register(session, event, _fields(name="Bo", email="bo@example.com"), real_now)
    session.commit()
    outbox()  # the first two emails

    response = client.post(f"/events/reply/{reply_token(holder)}", data={})

    assert "You have given up your place" in response.get_data(as_text=True)
    session.expire_all()
    assert (holder.state, waiting.state) == (InvitationState.CANCELLED, InvitationState.CONFIRMED)
    assert [(m.to_email, m.subject) for m in outbox()][-1] == (
        "bo@example.com",
        "Your place is confirmed: Diabetes care workshop",
    )


def test_a_registrant_on_the_list_does_not_stop_members_being_invited(session, now):
    # "NOT IN (a list holding NULL)" matches nobody: a registrant has no member_id.
    comms = make_staff(session, Role.COMMS)
    segment = Segment(name="Everyone", place=None, definition=definitions.empty_definition())
    session.add(segment)
    event = _open_event(session, now, place_id=place(session, "blackpool").id)
    register(session, event, _fields(), now)
    make_member(session), make_member(session)
    session.flush()

    check = preview_event_invitation(session, event, comms, now, segment=segment)

    assert (check.audience, check.already, check.mail.recipients) == (2, 0, 2)


def test_a_registrant_is_marked_attended_on_the_register(session, now):
    event = _open_event(session, now)
    registrant = register(session, event, _fields(), now)
    organiser = make_staff(session, Role.COMMS)

    row = mark_booked(session, event, registrant, True, organiser, event.starts_at)

    assert (row.member_id, row.attended) == (None, True)
    [booked] = register_rows(session, event)
    assert (booked.name, booked.attendance) == ("Ada Lovelace", row)
