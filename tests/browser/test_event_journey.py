"""One focus group from start to finish in Chromium, with axe-core on every page (issue 25): a
place team picks a fair selection, adds an event with one place, invites the selection through
the check page (sent on the second click), one invitee takes the place, another says no and the
next reserve of the same stratum is invited, that reserve says yes and joins the waiting list;
on the day the organiser marks the attendee on the register, makes their claim and submits it;
the communications team approves it and downloads the finance CSV, which carries it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState
from surveys.engagement_events.payment_models import PaymentClaim
from surveys.engagement_events.replies import reply_token

TITLE = "Carers' focus group on maternity services"


def _invitations(live_server) -> dict[InvitationState, list[tuple[int, str, str]]]:
    """The journey's event's invitations by state: (id, stratum, reply link)."""
    with live_server.test_request_context():
        event_id = db.session.scalar(
            sa.select(EngagementEvent.id).where(EngagementEvent.title == TITLE)
        )
        found: dict[InvitationState, list[tuple[int, str, str]]] = {}
        for invitation in db.session.scalars(
            sa.select(EventInvitation)
            .where(EventInvitation.event_id == event_id)
            .order_by(EventInvitation.id)
        ):
            link = f"/events/reply/{reply_token(invitation)}"
            found.setdefault(invitation.state, []).append((invitation.id, invitation.stratum, link))
        db.session.remove()
    return found


def _reply(phone, name: str, link: str, coming: str):
    invitee = phone(name)
    invitee.goto(link)
    invitee.page.check(f"input[name=coming][value={coming}]")
    if coming == "yes":
        invitee.page.fill("#access_needs", "A hearing loop, please")
        invitee.page.check("#consent")
    invitee.page.click("button:has-text('Send my reply')")
    invitee.check()
    return invitee.page.inner_text("main")


def test_from_a_fair_selection_to_invitations_replies_reserves_attendance_and_payment(
    staff_page, phone, live_server
):
    organiser = staff_page(Role.PLACE, "journey-organiser")
    page = organiser.page

    # A fair selection of two from a Blackpool segment, its reserves kept in order.
    organiser.goto("/staff/segments/")
    page.click("text=Carers and people interested in maternity")
    page.click("text=Pick a fair selection")
    organiser.check()
    page.fill("#number_wanted", "2")
    page.click("button:has-text('Check the pool against the targets')")
    organiser.check()
    if page.locator("input[name=accept_shortfall]").count():
        page.check("input[name=accept_shortfall]")
    page.click("button:has-text('Select')")
    organiser.check()
    assert "2 people selected" in page.inner_text("main")

    # The event: one place, so the second yes waits.
    organiser.goto("/staff/events/")
    page.click("text=Add an event")
    organiser.check()
    day = (utcnow() + timedelta(days=30)).date()
    page.fill("#title", TITLE)
    page.fill("#purpose", "Hear from carers what would make maternity services easier to use.")
    page.check("input[name=involvement][value=discuss]")
    page.check("input[name=format][value=in_person]")
    page.fill("#venue", "Carers Centre, Blackpool")
    page.fill("#day", day.isoformat())
    page.fill("#starts", "10:00")
    page.fill("#ends", "12:00")
    page.fill("#capacity", "1")
    page.fill("#replies_close_on", (day - timedelta(days=3)).isoformat())
    page.click("button:has-text('Save the event')")
    organiser.check()
    assert "Event added" in page.inner_text("main")

    # Invite the selection: the check page first, sent only on the second click.
    page.click("button:has-text('Check the invitation to this selection')")
    organiser.check()
    assert "Check the invitation before you send it" in page.inner_text("h1")
    assert _invitations(live_server) == {}
    page.click("button:has-text('Send 2 invitations')")
    organiser.check()
    invited = _invitations(live_server)
    assert len(invited[InvitationState.INVITED]) == 2
    reserves = invited[InvitationState.RESERVE]
    # The one who says no is someone whose stratum has a reserve to take their turn.
    reserve_strata = [stratum for _id, stratum, _link in reserves]
    declining = next(i for i in invited[InvitationState.INVITED] if i[1] in reserve_strata)
    taking = next(i for i in invited[InvitationState.INVITED] if i is not declining)
    next_reserve = next(r for r in reserves if r[1] == declining[1])

    assert "Your place is confirmed" in _reply(phone, "journey-yes", taking[2], "yes")
    _reply(phone, "journey-no", declining[2], "no")
    now_invited = {i[0]: i for i in _invitations(live_server)[InvitationState.INVITED]}
    assert next_reserve[0] in now_invited
    assert "you are on the waiting list" in _reply(
        phone, "journey-reserve", now_invited[next_reserve[0]][2], "yes"
    )
    assert [i[0] for i in _invitations(live_server)[InvitationState.WAITING]] == [next_reserve[0]]
    organiser.goto("/staff/events/")
    page.click(f"text={TITLE}")
    organiser.check()
    event_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert "Waiting list" in page.inner_text("main")

    # The day comes (the register opens on the event's day): the event moves to this morning,
    # still two hours long. Then the register, and the claim, for someone else to approve.
    with live_server.app_context():
        event = db.session.get(EngagementEvent, event_id)
        event.starts_at = utcnow() - timedelta(minutes=30)
        event.ends_at = event.starts_at + timedelta(hours=2)
        db.session.commit()
        db.session.remove()
    page.click("text=The register")
    organiser.check()
    page.click(f"#person-{taking[0]} button:has-text('Attended')")
    organiser.check()
    assert "Attended" in page.inner_text(f"#person-{taking[0]} h3")
    organiser.goto(f"/staff/events/{event_id}")
    page.click("text=Involvement payments and expenses")
    organiser.check()
    page.fill("#cost_centre", "CC-JOURNEY")
    page.click("button:has-text('Make the claims')")
    organiser.check()
    assert "1 claim made" in page.inner_text("main")
    with live_server.app_context():
        claim = db.session.scalar(
            sa.select(PaymentClaim.id).where(PaymentClaim.cost_centre == "CC-JOURNEY")
        )
        db.session.remove()
    card = f"#claim-{claim}"
    page.check(f"{card} input[name='c{claim}-choice'][value=payment]")
    page.check(f"{card} input[name='c{claim}-benefits_advice'][value=yes]")
    page.click(f"{card} button:has-text('Save the choice')")
    organiser.check()
    page.click(f"{card} button:has-text('Submit for approval')")
    organiser.check()
    assert page.locator(f"{card} button:has-text('Approve')").count() == 0

    approver = staff_page(Role.COMMS, "journey-approver")
    approver.goto(f"/staff/events/{event_id}/claims")
    approver.page.click(f"{card} button:has-text('Approve')")
    approver.check()
    assert "Approved" in approver.page.inner_text(f"{card} h3")
    with approver.page.expect_download() as download:
        approver.page.click("text=Download approved claims for finance (CSV)")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    header = rows[0]
    mine = [dict(zip(header, row, strict=True)) for row in rows[1:] if "CC-JOURNEY" in row]
    claim_row = next(row for row in mine if row["row"] == "claim")
    # Two hours is a half day, at the rate in force since 1 December 2025.
    assert (claim_row["payment"], claim_row["voucher"], claim_row["expenses"]) == (
        "27.50",
        "0.00",
        "0.00",
    )
    assert next(row for row in mine if row["row"] == "cost centre total")["total"] == "27.50"
