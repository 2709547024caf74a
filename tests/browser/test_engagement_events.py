"""Events in Chromium with axe-core: the comms team adds an event (after a refused first try
that keeps what was typed) and looks at the check page of inviting a segment to it, then an
invitee opens their reply link on a phone without signing in, says yes to a full event and
lands on the waiting list; the organiser sees their needs. On the day, an organiser uses the
register on a tablet (attended, undo, absent, a walk-in after a refused first try) and a member
finds their booking and check-in code in the member area."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.members.models import Member
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState
from surveys.engagement_events.replies import reply_token
from tests.browser.test_join_and_member_area import _latest_email_link


def _unreplied_link(live_server) -> tuple[str, int]:
    with live_server.test_request_context():
        invitation = db.session.scalar(
            sa.select(EventInvitation)
            .join(EngagementEvent)
            .where(
                EventInvitation.state == InvitationState.INVITED,
                EngagementEvent.confirmed_count >= EngagementEvent.capacity,
            )
        )
        link, event_id = f"/events/reply/{reply_token(invitation)}", invitation.event_id
        db.session.remove()
    return link, event_id


def test_add_an_event_then_reply_yes_from_the_email_and_join_the_waiting_list(
    staff_page, phone, live_server
):
    comms = staff_page(Role.COMMS, "events")
    page = comms.page
    comms.goto("/staff/events/")
    page.click("text=Add an event")
    comms.check()
    day = (utcnow() + timedelta(days=45)).date()
    page.fill("#title", "Pharmacy services workshop")
    page.fill("#purpose", "Hear what would make pharmacies easier to use.")
    page.check("input[name=involvement][value=discuss]")
    page.check("input[name=format][value=in_person]")
    page.fill("#venue", "Community Centre, Blackpool")
    page.fill("#day", day.isoformat())
    page.fill("#starts", "14:00")
    page.fill("#ends", "16:00")
    page.fill("#capacity", "0")
    page.fill("#replies_close_on", (day - timedelta(days=7)).isoformat())
    page.click("button:has-text('Save the event')")
    comms.check()
    assert "Enter a capacity from 1" in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#title") == "Pharmacy services workshop"
    page.fill("#capacity", "15")
    page.click("button:has-text('Save the event')")
    comms.check()
    assert "Event added" in page.inner_text("main")
    assert "0 of 15 places" in page.inner_text("main")
    page.select_option("#invite-segment", label="Younger adults across the ICB")
    page.click("button:has-text('Check the invitation to this segment')")
    comms.check()
    assert "Check the invitation before you send it" in page.inner_text("h1")
    assert "Left out: contact caps, paused invitations or unsubscribed" in page.inner_text("main")
    page.click("text=Cancel: do not send")

    link, event_id = _unreplied_link(live_server)
    invitee = phone("event-reply")
    invitee.goto(link)
    invitee.page.check("input[name=coming][value=yes]")
    invitee.page.fill("#access_needs", "Step-free access")
    invitee.page.check("#consent")
    invitee.page.click("button:has-text('Send my reply')")
    invitee.check()
    assert "you are on the waiting list" in invitee.page.inner_text("main")
    invitee.goto(link)
    assert "already used this link" in invitee.page.inner_text("main")

    comms.goto(f"/staff/events/{event_id}")
    assert "Waiting list" in page.inner_text("main")
    page.click("text=Access and dietary needs")
    comms.check()
    assert "Step-free access" in page.inner_text("main")


def _drop_in_bookings(live_server) -> tuple[int, list[tuple[int, str]]]:
    """The demo drop-in happening now, and its confirmed bookings (id, member's email)."""
    with live_server.app_context():
        event_id = db.session.scalar(
            sa.select(EngagementEvent.id).where(EngagementEvent.title.like("%drop-in%"))
        )
        rows = db.session.execute(
            sa.select(EventInvitation.id, Member.email)
            .join(Member, Member.id == EventInvitation.member_id)
            .where(
                EventInvitation.event_id == event_id,
                EventInvitation.state == InvitationState.CONFIRMED,
            )
            .order_by(EventInvitation.id)
        ).all()
        db.session.remove()
    return event_id, [tuple(row) for row in rows]


def test_the_register_on_a_tablet_then_a_member_finds_their_booking_and_check_in_code(
    staff_page, phone, live_server
):
    event_id, bookings = _drop_in_bookings(live_server)
    (marked, _), (to_mark, _), (_, member_email) = bookings[:3]
    organiser = staff_page(Role.PLACE, "event-register")
    page = organiser.page
    page.set_viewport_size({"width": 768, "height": 1024})
    organiser.goto(f"/staff/events/{event_id}/register")
    organiser.no_horizontal_scroll()
    assert "Attended" in page.inner_text(f"#person-{marked}")
    page.click(f"#person-{to_mark} button:has-text('Attended')")
    organiser.check()
    assert "Attended" in page.inner_text(f"#person-{to_mark} h3")
    page.click(f"#person-{to_mark} button:has-text('Undo')")
    organiser.check()
    assert "Not marked" in page.inner_text(f"#person-{to_mark} h3")
    page.click(f"#person-{to_mark} button:has-text('Absent')")
    organiser.check()
    assert "Absent" in page.inner_text(f"#person-{to_mark} h3")
    page.check("#join_panel")
    page.fill("#first_name", "Wendy")
    page.fill("#last_name", "Walkin")
    page.click("button:has-text('Add the walk-in')")
    organiser.check()
    assert "Enter their email address" in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#last_name") == "Walkin"
    page.uncheck("#join_panel")
    page.click("button:has-text('Add the walk-in')")
    organiser.check()
    assert "Wendy Walkin added" in page.inner_text("main")

    member = phone("my-events")
    member.goto("/my-panel/sign-in")
    member.page.fill("#email", member_email)
    member.page.click("main button[type=submit]")
    member.goto(_latest_email_link(live_server, r"http://panel\.test(/my-panel/link/\S+)"))
    member.page.click("button:has-text('Go to your member area')")
    member.check()
    member.page.click("text=My events")
    member.check()
    member.no_horizontal_scroll()
    text = member.page.inner_text("main")
    assert "health checks drop-in" in text and "Place confirmed" in text
    assert member.page.locator("img[alt^='Check-in code']").count() >= 1
