"""Places at an event: never more confirmed than capacity, freed places go to the waiting list."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.extensions import db
from panel.members.models import Member
from panel.members.services.member_area import erase_member, export_member_data
from surveys.engagement_events.models import (
    EngagementEvent,
    EventInvitation,
    EventStatus,
    InvitationState,
)
from surveys.engagement_events.places import (
    CapacityBelowConfirmed,
    RepliesClosed,
    accept_invitation,
    change_capacity,
    decline_invitation,
)
from surveys.engagement_events.reminders import send_event_reminders
from surveys.engagement_events.retention import NEEDS_RETENTION, forget_event_needs
from tests.surveys.event_helpers import invite, make_event


def _states(session, *invitations):
    for invitation in invitations:
        session.refresh(invitation)
    return [invitation.state for invitation in invitations]


def test_yes_takes_a_place_until_full_then_joins_the_waiting_list(session, now):
    event = make_event(session, now, capacity=2)
    people = [invite(session, event, now) for _ in range(3)]

    results = [
        accept_invitation(session, p, now + timedelta(minutes=i)) for i, p in enumerate(people)
    ]

    assert results == [True, True, False]
    assert _states(session, *people) == [
        InvitationState.CONFIRMED,
        InvitationState.CONFIRMED,
        InvitationState.WAITING,
    ]
    assert event.confirmed_count == 2


def test_a_cancelled_place_goes_to_the_longest_waiting_and_they_are_told_at_once(session, now):
    event = make_event(session, now, capacity=1)
    holder, first, second = (invite(session, event, now) for _ in range(3))
    accept_invitation(session, holder, now)
    accept_invitation(session, second, now + timedelta(minutes=2))
    accept_invitation(session, first, now + timedelta(minutes=1))
    told = []

    decline_invitation(session, holder, now, on_offer=lambda s, inv, at: told.append(inv.id))

    assert _states(session, holder, first, second) == [
        InvitationState.CANCELLED,
        InvitationState.CONFIRMED,
        InvitationState.WAITING,
    ]
    assert told == [first.id]
    assert event.confirmed_count == 1


def test_capacity_below_the_confirmed_count_is_refused_next_to_the_field(session, now):
    event = make_event(session, now, capacity=3)
    for _ in range(2):
        accept_invitation(session, invite(session, event, now), now)

    with pytest.raises(CapacityBelowConfirmed) as refused:
        change_capacity(session, event, 1, now)

    assert refused.value.field == "capacity"
    assert "2 people are already confirmed" in refused.value.message
    assert event.capacity == 3


def test_more_capacity_confirms_the_waiting_list(session, now):
    event = make_event(session, now, capacity=1)
    people = [invite(session, event, now) for _ in range(3)]
    for person in people:
        accept_invitation(session, person, now)

    given = change_capacity(session, event, 2, now)

    assert [g.id for g in given] == [people[1].id]
    assert event.confirmed_count == 2


@pytest.mark.parametrize("closed", ["after_closing", "cancelled"])
def test_replies_to_a_closed_or_cancelled_event_are_refused(session, now, closed):
    event = make_event(session, now)
    invitation = invite(session, event, now)
    when = now
    if closed == "cancelled":
        event.status = EventStatus.CANCELLED
    else:
        when = event.replies_close_at
    session.flush()

    with pytest.raises(RepliesClosed):
        accept_invitation(session, invitation, when)
    assert _states(session, invitation) == [InvitationState.INVITED]


def test_two_people_taking_the_last_place_at_the_same_instant_get_exactly_one(app, session, now):
    rounds = []
    for _ in range(10):
        event = make_event(session, now, capacity=2)
        accept_invitation(session, invite(session, event, now), now)
        rounds.append((event.id, [invite(session, event, now).id for _ in range(2)]))
    session.commit()

    def race(invitation_id, barrier):
        with app.app_context():
            try:
                invitation = db.session.get(EventInvitation, invitation_id)
                assert invitation.event.capacity == 2  # loaded before the race starts
                barrier.wait()
                accept_invitation(db.session, invitation, now)
                db.session.commit()
            except sa.exc.OperationalError:
                db.session.rollback()  # SQLite's lock timeout: this reply did not happen
            finally:
                db.session.remove()

    for _event_id, racers in rounds:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=race, args=(racer, barrier)) for racer in racers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    session.expire_all()
    for event_id, racers in rounds:
        assert session.get(EngagementEvent, event_id).confirmed_count == 2
        states = [session.get(EventInvitation, racer).state for racer in racers]
        assert states.count(InvitationState.CONFIRMED) == 1, states


def test_reminders_go_a_week_and_a_day_before_to_confirmed_people_once(app, session, now):
    event = make_event(session, now, capacity=1)
    confirmed, waiting = invite(session, event, now), invite(session, event, now)
    accept_invitation(session, confirmed, now)
    accept_invitation(session, waiting, now)
    week_before = event.starts_at - timedelta(days=7)
    day_before = event.starts_at - timedelta(days=1)
    session.commit()

    # No request context, as when the scheduler runs it: links come from PUBLIC_BASE_URL.
    runs = [
        send_event_reminders(session, at)
        for at in (
            week_before - timedelta(minutes=1),
            week_before,
            week_before + timedelta(hours=1),
            day_before,
            day_before + timedelta(minutes=5),
        )
    ]

    assert runs == [0, 1, 0, 1, 0]
    subjects = session.scalars(
        sa.text("SELECT subject FROM outbound_emails WHERE kind = 'event_reminder' ORDER BY id")
    ).all()
    assert subjects == [
        "Reminder: Diabetes care workshop next week",
        "Reminder: Diabetes care workshop tomorrow",
    ]


def test_needs_are_deleted_thirty_days_after_the_event_and_the_run_is_audited(session, now):
    event = make_event(session, now)
    invitation = invite(session, event, now)
    invitation.access_needs, invitation.dietary_needs = "Hearing loop", "Vegan"
    session.flush()
    due = event.ends_at + NEEDS_RETENTION

    assert forget_event_needs(session, due - timedelta(minutes=1)) == 0
    assert forget_event_needs(session, due) == 1

    session.refresh(invitation)
    assert (invitation.access_needs, invitation.dietary_needs) == ("", "")
    audits = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "retention.event_needs")
    ).all()
    assert [a.detail for a in audits] == [
        "event access and dietary needs: 1; walk-in names at events: 0; "
        "registrants' names, addresses and answers: 0"
    ]
    assert "Hearing" not in audits[0].detail


def test_a_member_who_leaves_is_in_their_data_copy_then_their_place_goes_to_the_waiting_list(
    session, now
):
    event = make_event(session, now, capacity=1)
    leaver, waiting = invite(session, event, now), invite(session, event, now)
    accept_invitation(session, leaver, now)
    accept_invitation(session, waiting, now + timedelta(minutes=1))
    leaver.access_needs = "Step-free access"
    member = session.get(Member, leaver.member_id)
    (row,) = export_member_data(session, member)["events_you_were_invited_to"]
    assert (row["event"], row["where_you_stand"]) == (event.title, "confirmed")
    assert row["access_needs"] == "Step-free access"
    # No request context: a merged-away record is erased by a scheduled job.
    erase_member(session, member, now, "member")
    session.flush()
    left = sa.select(sa.func.count()).where(EventInvitation.member_id == leaver.member_id)
    assert session.scalar(left) == 0
    assert _states(session, waiting) == [InvitationState.CONFIRMED]
    session.refresh(event)
    assert event.confirmed_count == 1
    told = sa.text("SELECT to_email FROM outbound_emails WHERE kind = 'event_place_confirmed'")
    assert session.scalars(told).all() == [session.get(Member, waiting.member_id).email]
