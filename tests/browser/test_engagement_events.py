"""Events in Chromium with axe-core: the comms team adds an event (after a refused first try
that keeps what was typed), then an invitee opens their reply link on a phone without signing
in, says yes to a full event and lands on the waiting list; the organiser sees their needs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState
from surveys.engagement_events.replies import reply_token


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
