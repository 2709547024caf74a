"""Involvement payments in Chromium with axe-core on every page: an organiser marks someone
attended on the register, makes their claim, records a voucher and that benefits advice was
offered, is refused a bus fare without its receipt (beside the field, nothing typed lost), adds
it with the receipt and submits; they cannot approve their own claim; a second member of staff
approves it and downloads the finance CSV, which carries the claim and the totals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import sqlalchemy as sa

from panel.auth.models import Role
from panel.extensions import db
from surveys.engagement_events.payment_models import PaymentClaim
from tests.browser.test_engagement_events import _drop_in_bookings

RECEIPT = b"%PDF-1.4\n% a bus ticket\n%%EOF\n"


def _claim_id(live_server, event_id: int, invitation_id: int) -> int:
    from surveys.engagement_events.models import EventInvitation

    with live_server.app_context():
        member_id = db.session.get(EventInvitation, invitation_id).member_id
        claim_id = db.session.scalar(
            sa.select(PaymentClaim.id).where(
                PaymentClaim.event_id == event_id, PaymentClaim.member_id == member_id
            )
        )
        db.session.remove()
    return claim_id


def test_attendance_to_claim_to_approval_by_a_second_person_to_the_finance_export(
    staff_page, live_server
):
    event_id, bookings = _drop_in_bookings(live_server)
    attendee = bookings[2][0]
    organiser = staff_page(Role.PLACE, "event-payments")
    page = organiser.page
    organiser.goto(f"/staff/events/{event_id}/register")
    page.click(f"#person-{attendee} button:has-text('Attended')")
    organiser.check()

    organiser.goto(f"/staff/events/{event_id}")
    page.click("text=Involvement payments and expenses")
    organiser.check()
    page.fill("#cost_centre", "CC-BROWSER")
    page.click("button:has-text('Make the claims')")
    organiser.check()
    assert "1 claim made" in page.inner_text("main")
    claim = _claim_id(live_server, event_id, attendee)
    card = f"#claim-{claim}"

    page.check(f"{card} input[name='c{claim}-choice'][value=voucher]")
    page.check(f"{card} input[name='c{claim}-benefits_advice'][value=yes]")
    page.click(f"{card} button:has-text('Save the choice')")
    organiser.check()
    assert "Offered, recorded by Browser place" in page.inner_text(card)

    page.click(f"{card} summary:has-text('Add an expense')")
    page.select_option(f"#e{claim}-kind", "travel")
    page.fill(f"#e{claim}-description", "Bus there and back")
    page.fill(f"#e{claim}-amount", "4.20")
    page.click(f"{card} button:has-text('Add the expense')")
    organiser.check()
    assert "Upload the receipt" in page.inner_text(f"#e{claim}-receipt-error")
    assert page.input_value(f"#e{claim}-amount") == "4.20"
    page.set_input_files(
        f"#e{claim}-receipt",
        files=[{"name": "ticket.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}],
    )
    page.click(f"{card} button:has-text('Add the expense')")
    organiser.check()
    assert "receipt (PDF)" in page.inner_text(card)
    page.click(f"{card} button:has-text('Submit for approval')")
    organiser.check()
    assert "another member of staff must approve it" in page.inner_text(card)
    assert page.locator(f"{card} button:has-text('Approve')").count() == 0

    second = staff_page(Role.COMMS, "event-payments-approval")
    second.goto(f"/staff/events/{event_id}/claims")
    second.page.click(f"{card} button:has-text('Approve')")
    second.check()
    assert "Approved" in second.page.inner_text(f"{card} h3")
    with second.page.expect_download() as download:
        second.page.click("text=Download approved claims for finance (CSV)")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    mine = [dict(zip(header, row, strict=True)) for row in rows[1:] if "CC-BROWSER" in row]
    claim_row = next(row for row in mine if row["row"] == "claim")
    assert (claim_row["payment"], claim_row["voucher"], claim_row["expenses"]) == (
        "0.00",
        "27.50",
        "4.20",
    )
    total = next(row for row in mine if row["row"] == "cost centre total")
    assert total["total"] == "31.70"
    assert any(row[0] == "person total" for row in rows)
