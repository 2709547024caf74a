"""On the day of an event: the register (one mark per person, undo, clear refusals), check-in
from the attendee's QR code, walk-ins with and without joining the panel, the follow-up survey to
exactly the attendees, and the notes and outputs page feeding the insight library."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.models import ConsentRecord, Member, MemberStatus
from panel.tokens import TokenPurpose, make_token, read_token
from surveys.engagement_events.attendance import (
    AttendanceError,
    attendance_counts,
    attendee_member_ids,
    booking_for_check_in,
    check_in_token,
    mark_booked,
    undo,
)
from surveys.engagement_events.attendance_models import EventAttendance
from surveys.engagement_events.models import EventStatus, InvitationState
from surveys.engagement_events.outputs import FindingFields, add_finding, save_summary
from surveys.engagement_events.walk_ins import JOIN_METHOD, WalkInFields, add_walk_in
from surveys.fieldwork.models import Invitation
from surveys.insights.library import linkable_insights
from surveys.insights.models import SourceKind
from tests.factories import make_member, make_staff
from tests.panel.test_member_area import _sign_in
from tests.surveys.event_helpers import invite, make_event
from tests.surveys.fieldwork_helpers import live_survey

CONFIRMED = InvitationState.CONFIRMED


def _today(session, now, **overrides):
    """An event that started an hour ago (its register is open)."""
    values = {
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(hours=1),
        "replies_close_at": now - timedelta(hours=1),
    }
    return make_event(session, now, **{**values, **overrides})


@pytest.fixture
def real_now():
    return datetime.now(UTC)


def test_the_register_marks_each_person_once_corrects_and_undoes(session, now):
    event, organiser = _today(session, now), make_staff(session, Role.COMMS)
    ann = invite(session, event, now, make_member(session, first_name="Ann"), state=CONFIRMED)
    bob = invite(session, event, now, state=CONFIRMED)

    mark_booked(session, event, ann, True, organiser, now)
    with pytest.raises(AttendanceError, match="Ann .* is already marked attended"):
        mark_booked(session, event, ann, True, organiser, now)
    absent = mark_booked(session, event, bob, False, organiser, now)
    assert attendance_counts(session, event).__dict__ == {
        "booked": 2,
        "attended": 1,
        "absent": 1,
        "walk_ins": 0,
    }

    corrected = mark_booked(session, event, bob, True, organiser, now)
    assert corrected.id == absent.id and corrected.attended
    assert set(session.scalars(attendee_member_ids(event))) == {ann.member_id, bob.member_id}
    undo(session, event, corrected.id, now)
    with pytest.raises(AttendanceError, match="nothing to undo"):
        undo(session, event, corrected.id, now)
    assert set(session.scalars(attendee_member_ids(event))) == {ann.member_id}


def test_attendance_is_refused_for_someone_not_booked_another_event_or_a_cancelled_event(
    session, now
):
    event, organiser = _today(session, now), make_staff(session, Role.COMMS)
    other = _today(session, now, title="Another event")
    only_invited = invite(session, event, now)
    elsewhere = invite(session, other, now, state=CONFIRMED)
    booked = invite(session, event, now, state=CONFIRMED)

    with pytest.raises(AttendanceError, match="does not have a confirmed place"):
        mark_booked(session, event, only_invited, True, organiser, now)
    with pytest.raises(AttendanceError, match="is not invited to this event"):
        mark_booked(session, event, elsewhere, True, organiser, now)
    with pytest.raises(AttendanceError, match="opens on the day"):
        mark_booked(session, event, booked, True, organiser, now - timedelta(days=2))
    event.status = EventStatus.CANCELLED
    with pytest.raises(AttendanceError, match="cancelled"):
        mark_booked(session, event, booked, True, organiser, now)
    assert session.scalar(sa.select(sa.func.count(EventAttendance.id))) == 0


def test_a_check_in_code_is_for_its_own_booking_event_and_day_only(app, session, now):
    event, organiser = _today(session, now), make_staff(session, Role.COMMS)
    other = _today(session, now, title="Another event")
    booking = invite(session, event, now, state=CONFIRMED)
    with app.test_request_context():
        token = check_in_token(booking)
        forged = make_token(TokenPurpose.EVENT_REPLY, [booking.id])

    assert booking_for_check_in(session, event, token, now).id == booking.id
    with pytest.raises(AttendanceError, match="not a check-in code"):
        booking_for_check_in(session, event, forged, now)
    with pytest.raises(AttendanceError, match="not a check-in code"):
        booking_for_check_in(session, event, token[:-3] + "abc", now)
    with pytest.raises(AttendanceError, match="for another event: Diabetes care workshop"):
        booking_for_check_in(session, other, token, now)
    with pytest.raises(AttendanceError, match="expired"):
        booking_for_check_in(session, event, token, event.ends_at + timedelta(days=15))
    mark_booked(session, event, booking, True, organiser, now)
    with pytest.raises(AttendanceError, match="already marked attended"):  # replayed
        mark_booked(session, event, booking_for_check_in(session, event, token, now), True,
                    organiser, now)  # fmt: skip


def test_organisers_use_the_register_and_qr_code_without_javascript_and_it_is_audited(
    app, client, login_as, session, real_now
):
    organiser = make_staff(session, Role.PLACE, ["blackpool"])
    outsider = make_staff(session, Role.PLACE, ["south-cumbria"])
    event = _today(session, real_now, place_id=organiser.places[0].id)
    ann = make_member(session, first_name="Ann", last_name="Attendee")
    booking = invite(session, event, real_now, ann, state=CONFIRMED)
    booking.access_needs = "Hearing loop"
    session.commit()
    with app.test_request_context():
        code = check_in_token(booking)
    login_as(organiser)

    page = client.get(f"/staff/events/{event.id}/register").get_data(as_text=True)
    assert "Ann Attendee" in page and "Hearing loop" in page and "Not marked" in page
    marked = client.post(
        f"/staff/events/{event.id}/register/{booking.id}", data={"attended": "yes"}
    )
    assert marked.status_code == 302 and marked.location.endswith(f"#person-{booking.id}")
    again = client.post(f"/staff/events/{event.id}/register/{booking.id}", data={"attended": "yes"})
    assert again.status_code == 409
    assert "Ann Attendee is already marked attended" in again.get_data(as_text=True)

    scanned = client.get(f"/staff/events/{event.id}/check-in/{code}").get_data(as_text=True)
    assert "Already marked attended" in scanned
    bad = client.get(f"/staff/events/{event.id}/check-in/not-a-code")
    assert bad.status_code == 409 and "not a check-in code" in bad.get_data(as_text=True)
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("event.%"))
    ).all()
    assert "event.register_view" in actions and "event.check_in_view" in actions

    login_as(outsider)
    assert client.get(f"/staff/events/{event.id}/register").status_code == 404
    assert client.get(f"/staff/events/{event.id}/check-in/{code}").status_code == 404


def test_a_scanned_code_checks_the_person_in_with_one_press(
    app, client, login_as, session, real_now
):
    organiser = make_staff(session, Role.COMMS)
    event = _today(session, real_now)
    booking = invite(session, event, real_now, state=CONFIRMED)
    session.commit()
    with app.test_request_context():
        code = check_in_token(booking)
    login_as(organiser)

    before = client.get(f"/staff/events/{event.id}/check-in/{code}").get_data(as_text=True)
    assert "attended</button>" in before
    assert client.post(f"/staff/events/{event.id}/check-in/{code}").status_code == 302
    row = session.scalar(sa.select(EventAttendance))
    assert row.attended and row.checked_in_by.value == "qr_code"
    replayed = client.post(f"/staff/events/{event.id}/check-in/{code}")
    assert replayed.status_code == 409
    assert "already marked attended" in replayed.get_data(as_text=True)


def test_a_walk_in_is_recorded_and_joins_the_panel_only_if_they_agree(
    app, session, outbox, real_now
):
    event, organiser = _today(session, real_now), make_staff(session, Role.COMMS)
    session.commit()
    members_before = session.scalar(sa.select(sa.func.count(Member.id)))

    stays_out = add_walk_in(session, event, WalkInFields("Cy", "Walker"), organiser, real_now)
    assert stays_out.member_id is None and stays_out.walk_in_name == "Cy Walker"
    with pytest.raises(AttendanceError) as missing:
        add_walk_in(
            session, event, WalkInFields("Di", "Joiner", join_panel=True), organiser, real_now
        )
    assert missing.value.field == "email"
    joins = add_walk_in(
        session,
        event,
        WalkInFields("Di", "Joiner", True, "di.joiner@example.com", "FY1 1AA"),
        organiser,
        real_now,
    )
    session.commit()
    with pytest.raises(AttendanceError, match="Di Joiner is already on the register"):
        add_walk_in(
            session,
            event,
            WalkInFields("Di", "Joiner", True, "DI.joiner@example.com", "FY1 1AA"),
            organiser,
            real_now,
        )
    session.rollback()

    member = session.get(Member, joins.member_id)
    assert member.status is MemberStatus.PENDING and member.place.code == "blackpool"
    assert session.scalar(sa.select(sa.func.count(Member.id))) == members_before + 1
    methods = session.scalars(
        sa.select(ConsentRecord.method).where(ConsentRecord.member_id == member.id)
    ).all()
    assert methods and set(methods) == {JOIN_METHOD}
    sent = outbox()
    assert [m.to_email for m in sent] == ["di.joiner@example.com"]
    assert attendance_counts(session, event).walk_ins == 2
    # an attendee (for claims); the follow-up survey reaches them once they confirm
    assert list(session.scalars(attendee_member_ids(event))) == [member.id]


def test_the_follow_up_survey_reaches_exactly_the_attendees_after_the_check_page(
    client, login_as, session, real_now
):
    survey, author = live_survey(session, real_now)
    event = _today(session, real_now, survey_id=survey.id)
    came = [invite(session, event, real_now, state=CONFIRMED) for _ in range(2)]
    paused = invite(
        session,
        event,
        real_now,
        make_member(session, paused_until=real_now + timedelta(days=9)),
        state=CONFIRMED,
    )
    absent = invite(session, event, real_now, state=CONFIRMED)
    not_there = make_member(session)  # in the survey's audience, not at the event
    for booking in [*came, paused]:
        mark_booked(session, event, booking, True, author, real_now)
    mark_booked(session, event, absent, False, author, real_now)
    session.commit()
    login_as(author)

    check = client.get(f"/staff/surveys/{survey.id}/invite?attendees_of={event.id}")
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and "marked attended at" in page
    expected = re.search(r'name="expected" value="([^"]+)"', page).group(1)
    sent = client.post(
        f"/staff/surveys/{survey.id}/invite?attendees_of={event.id}", data={"expected": expected}
    )

    assert sent.status_code == 302
    invited = set(session.scalars(sa.select(Invitation.member_id)))
    assert invited == {booking.member_id for booking in came}
    assert not_there.id not in invited
    other_event = _today(session, real_now, title="Not linked")
    session.commit()
    assert (
        client.get(f"/staff/surveys/{survey.id}/invite?attendees_of={other_event.id}").status_code
        == 404
    )


def test_findings_from_the_outputs_page_go_into_the_insight_library(session, now):
    place_team = make_staff(session, Role.COMMS)
    event = _today(session, now)
    for _ in range(3):
        mark_booked(
            session, event, invite(session, event, now, state=CONFIRMED), True, place_team, now
        )
    with pytest.raises(Exception, match="once the event has started"):
        save_summary(session, event, "Too soon", place_team, event.starts_at - timedelta(hours=1))

    save_summary(session, event, "Nine people came; parking was hard.", place_team, now)
    finding = add_finding(
        session,
        event,
        FindingFields(
            "Evening appointments wanted", "Most could not come in the day.", ["living_well"]
        ),
        place_team,
        "Europe/London",
        now,
    )

    assert finding.event_id == event.id and finding.source_kind is SourceKind.EVENT
    assert finding.people_heard == 3 and finding.source_name == event.title
    assert finding.heard_on == event.starts_at.date()
    assert finding in linkable_insights(session, place_team)  # can be picked for a decision


def test_the_outputs_page_saves_a_summary_and_a_finding(client, login_as, session, real_now):
    organiser = make_staff(session, Role.COMMS)
    event = _today(session, real_now)
    session.commit()
    login_as(organiser)

    assert client.post(f"/staff/events/{event.id}/outputs", data={"summary": ""}).status_code == 400
    saved = client.post(f"/staff/events/{event.id}/outputs", data={"summary": "Good turnout"})
    added = client.post(
        f"/staff/events/{event.id}/outputs/findings",
        data={
            "finding-title": "Buses",
            "finding-summary": "Buses are late",
            "finding-topics": "living_well",
        },
    )
    refused = client.post(
        f"/staff/events/{event.id}/outputs/findings",
        data={"finding-title": "No topic", "finding-summary": "Kept as typed"},
    )

    assert saved.status_code == 302 and added.status_code == 302
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "Choose at least one topic" in body and "Kept as typed" in body
    page = client.get(f"/staff/events/{event.id}/outputs").get_data(as_text=True)
    assert "Good turnout" in page and "Buses" in page


def test_the_member_area_lists_invitations_and_bookings_and_the_public_page_only_listed_events(
    client, session, outbox, real_now
):
    member = make_member(session)
    upcoming = make_event(session, real_now, title="Listed workshop", listed_publicly=True)
    hidden = make_event(session, real_now, title="Invitation-only group")
    booked = invite(session, upcoming, real_now, member, state=CONFIRMED)
    invite(session, hidden, real_now, member)
    invite(session, upcoming, real_now, make_member(session, first_name="Someoneelse"))
    session.commit()

    public = client.get("/engagement/").text
    assert "Listed workshop" in public and "Invitation-only group" not in public
    assert "Someoneelse" not in public
    _sign_in(client, member, outbox)
    page = client.get("/my-panel/events/").text
    assert "Listed workshop" in page and "Place confirmed" in page
    assert "Invitation-only group" in page and "Reply to this invitation" in page
    assert page.count('alt="Check-in code for') == 1
    # the link's token is signed with the time it was made, so compare what it says
    tokens = re.findall(r"/events/reply/([\w.-]+)", page)
    said = [read_token(TokenPurpose.EVENT_REPLY, token, None) for token in tokens]
    assert [booked.id, booked.reply_nonce] in said


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(["attended", "absent", "undo"])),
        max_size=12,
    )
)
def test_any_sequence_of_marks_and_undos_leaves_the_figures_a_recount_gives(session, now, steps):
    event, organiser = _today(session, now), make_staff(session, Role.COMMS)
    people = [invite(session, event, now, state=CONFIRMED) for _ in range(3)]
    expected: dict[int, bool] = {}
    for person, action in steps:
        booking = people[person]
        if action == "undo":
            row = session.scalar(
                sa.select(EventAttendance).where(EventAttendance.invitation_id == booking.id)
            )
            if row is None:
                continue
            undo(session, event, row.id, now)
            expected.pop(person)
            continue
        came = action == "attended"
        if expected.get(person) is came:
            with pytest.raises(AttendanceError, match="already marked"):
                mark_booked(session, event, booking, came, organiser, now)
        else:
            mark_booked(session, event, booking, came, organiser, now)
            expected[person] = came

    counts = attendance_counts(session, event)
    assert counts.attended == sum(expected.values())
    assert counts.absent == len(expected) - sum(expected.values())
    assert set(session.scalars(attendee_member_ids(event))) == {
        people[p].member_id for p, came in expected.items() if came
    }
