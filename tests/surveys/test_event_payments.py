"""Involvement payments and expenses: dated rates (a change on the day, older events keep their
rate, the local day across a clock change), claims from the attendance register, receipts
required and checked, approval by a second member of staff, and the finance export whose totals
equal a recount; then the staff pages (bad input beside the field, 404 for others, audit rows)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.engagement_events.attendance import mark_booked
from surveys.engagement_events.demo import demo_receipt
from surveys.engagement_events.models import InvitationState
from surveys.engagement_events.payment_export import finance_csv, finance_export
from surveys.engagement_events.payment_models import (
    ClaimStatus,
    ExpenseKind,
    PaymentChoice,
    PaymentClaim,
    RateKind,
)
from surveys.engagement_events.payments import (
    ExpenseFields,
    PaymentError,
    add_expense,
    add_rate,
    approve_claim,
    create_claims,
    rate_in_force,
    record_choice,
    reject_claim,
    submit_claim,
)
from surveys.engagement_events.receipts import ReceiptError
from tests.factories import make_member, make_staff
from tests.surveys.event_helpers import invite, make_event

ZONE = "Europe/London"
PDF = demo_receipt("A bus ticket: 4.20")


def _png() -> bytes:
    """A photo of a receipt (a small grey PNG)."""
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 200, 200)).save(output, format="PNG")
    return output.getvalue()


PNG = _png()


def _rates(session, user, now):
    """£25 half day and £50 full day from April 2025, raised 10% from 1 December 2025; 45p a
    mile throughout."""
    for kind, pence, day in (
        (RateKind.HALF_DAY, 2500, date(2025, 4, 1)),
        (RateKind.FULL_DAY, 5000, date(2025, 4, 1)),
        (RateKind.HALF_DAY, 2750, date(2025, 12, 1)),
        (RateKind.FULL_DAY, 5500, date(2025, 12, 1)),
        (RateKind.MILEAGE, 45, date(2025, 4, 1)),
    ):
        add_rate(session, kind, pence, day, user, now)


def _attended_event(session, now, organiser, people=2, **overrides):
    """An event that started an hour before ``now`` with ``people`` members marked attended."""
    values = {
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(hours=1),
        "replies_close_at": now - timedelta(days=1),
    }
    event = make_event(session, now, **{**values, **overrides})
    members = []
    for number in range(people):
        member = make_member(session, first_name=f"Person{number}", last_name=f"Surname{number}")
        booking = invite(session, event, now, member, state=InvitationState.CONFIRMED)
        mark_booked(session, event, booking, True, organiser, now)
        members.append(member)
    return event, members


def test_the_rate_in_force_is_the_latest_from_on_or_before_the_day(session, now):
    user = make_staff(session, Role.COMMS)
    _rates(session, user, now)
    assert rate_in_force(session, RateKind.HALF_DAY, date(2025, 3, 31)) is None
    assert rate_in_force(session, RateKind.HALF_DAY, date(2025, 11, 30)).amount_pence == 2500
    # a change on the day applies to that day's events, and the earlier rate stays for older ones
    assert rate_in_force(session, RateKind.HALF_DAY, date(2025, 12, 1)).amount_pence == 2750
    assert rate_in_force(session, RateKind.FULL_DAY, date(2026, 6, 1)).amount_pence == 5500
    with pytest.raises(PaymentError, match="already a half day") as refused:
        add_rate(session, RateKind.HALF_DAY, 3000, date(2025, 12, 1), user, now)
    assert refused.value.field == "effective_from"


def test_an_event_just_after_midnight_local_time_takes_that_days_rate(session):
    # 00:30 on 1 June 2026 in London (summer time) is 23:30 on 31 May in UTC.
    now = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    organiser = make_staff(session, Role.COMMS)
    add_rate(session, RateKind.HALF_DAY, 2500, date(2025, 1, 1), organiser, now)
    add_rate(session, RateKind.HALF_DAY, 3000, date(2026, 6, 1), organiser, now)
    event, _members = _attended_event(
        session, now + timedelta(hours=1), organiser, people=1, starts_at=now
    )
    (claim,) = create_claims(session, event, "CC100", organiser, ZONE, now + timedelta(hours=1))
    assert claim.payment_pence == 3000


def test_claims_are_made_for_members_marked_attended_at_the_days_rate(session, now):
    organiser = make_staff(session, Role.COMMS)
    _rates(session, organiser, now)
    event, members = _attended_event(session, now, organiser)
    absent = invite(session, event, now, state=InvitationState.CONFIRMED)
    mark_booked(session, event, absent, False, organiser, now)

    claims = create_claims(session, event, "CC100", organiser, ZONE, now)
    assert {c.member_id for c in claims} == {m.id for m in members}
    assert {(c.session_kind, c.payment_pence, c.status) for c in claims} == {
        (RateKind.HALF_DAY, 2750, ClaimStatus.DRAFT)
    }
    with pytest.raises(PaymentError, match="already has a claim"):
        create_claims(session, event, "CC100", organiser, ZONE, now)


def test_no_rate_for_the_day_is_refused(session, now):
    organiser = make_staff(session, Role.COMMS)
    event, _members = _attended_event(session, now, organiser, people=1)
    with pytest.raises(PaymentError, match="no half day .* rate in force on 23 November 2026"):
        create_claims(session, event, "CC100", organiser, ZONE, now)


def test_a_receipted_item_without_a_receipt_is_refused_beside_the_receipt(session, now):
    organiser = make_staff(session, Role.COMMS)
    _rates(session, organiser, now)
    event, _members = _attended_event(session, now, organiser, people=1)
    (claim,) = create_claims(session, event, "CC100", organiser, ZONE, now)

    def add(kind, **values):
        fields = {"description": "", "miles": None, "amount_pence": None, "receipt": None}
        return add_expense(
            session, event, claim, ExpenseFields(kind, **{**fields, **values}), organiser, ZONE, now
        )

    with pytest.raises(PaymentError, match="Upload the receipt") as missing:
        add(ExpenseKind.TRAVEL, amount_pence=420)
    assert missing.value.field == "receipt"
    with pytest.raises(ReceiptError, match="PDF, PNG or JPEG") as wrong:
        add(ExpenseKind.PARKING, amount_pence=300, receipt=b"MZ\x90\x00 a program")
    assert wrong.value.field == "receipt"
    with pytest.raises(ReceiptError, match="5 MB"):
        add(ExpenseKind.PARKING, amount_pence=300, receipt=PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ReceiptError, match="cannot be read"):
        add(ExpenseKind.PARKING, amount_pence=300, receipt=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    photo = add(ExpenseKind.PARKING, amount_pence=300, receipt=PNG)
    assert photo.receipt.startswith(b"%PDF-") and photo.receipt_type == "application/pdf"
    with pytest.raises(PaymentError, match="miles") as no_miles:
        add(ExpenseKind.MILEAGE)
    assert no_miles.value.field == "miles"

    bus = add(ExpenseKind.TRAVEL, amount_pence=420, receipt=PDF, description="Bus there and back")
    drive = add(ExpenseKind.MILEAGE, miles=12)
    assert (bus.receipt_type, bus.amount_pence) == ("application/pdf", 420)
    assert (drive.mileage_rate_pence, drive.amount_pence) == (45, 540)
    # expenses are kept apart from the involvement payment, and paid even if it is declined
    record_choice(session, claim, PaymentChoice.DECLINED, True, organiser, now)
    assert (claim.involvement_pence, claim.expenses_pence) == (0, 1260)


def test_a_claim_needs_a_second_member_of_staff_to_approve_it(session, now):
    organiser, second = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    _rates(session, organiser, now)
    event, _members = _attended_event(session, now, organiser, people=1)
    (claim,) = create_claims(session, event, "CC100", organiser, ZONE, now)

    with pytest.raises(PaymentError, match="benefits advice") as unasked:
        submit_claim(session, claim, organiser, now)
    assert unasked.value.field == "benefits_advice"
    record_choice(session, claim, PaymentChoice.VOUCHER, True, organiser, now)
    assert (claim.benefits_advice_by_id, claim.benefits_advice_at) == (organiser.id, now)
    with pytest.raises(PaymentError, match="cannot be approved"):
        approve_claim(session, claim, second, now)
    submit_claim(session, claim, organiser, now)
    with pytest.raises(PaymentError, match="You submitted this claim, so another member"):
        approve_claim(session, claim, organiser, now)
    with pytest.raises(PaymentError, match="another member of staff"):
        reject_claim(session, claim, organiser, "Wrong", now)
    with pytest.raises(PaymentError, match="Say why") as no_reason:
        reject_claim(session, claim, second, "  ", now)
    assert no_reason.value.field == "note"

    reject_claim(session, claim, second, "The voucher was not offered", now)
    record_choice(session, claim, PaymentChoice.PAYMENT, True, organiser, now)
    submit_claim(session, claim, organiser, now)
    approve_claim(session, claim, second, now)
    assert (claim.status, claim.approved_by_id) == (ClaimStatus.APPROVED, second.id)
    with pytest.raises(PaymentError, match="approved, so it cannot be changed"):
        record_choice(session, claim, PaymentChoice.DECLINED, True, organiser, now)


def _approve_all(session, claims, organiser, second, now):
    for claim in claims:
        if claim.benefits_advice_offered is None:
            record_choice(session, claim, claim.choice, True, organiser, now)
        submit_claim(session, claim, organiser, now)
        approve_claim(session, claim, second, now)


def test_the_finance_export_keeps_payments_and_expenses_apart_with_totals(session, now):
    organiser, second = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    _rates(session, organiser, now)
    event, (ann, bob) = _attended_event(
        session, now, organiser, title='=HYPERLINK("https://evil.example")'
    )
    claims = {c.member_id: c for c in create_claims(session, event, "CC100", organiser, ZONE, now)}
    record_choice(session, claims[bob.id], PaymentChoice.VOUCHER, True, organiser, now)
    fields = ExpenseFields(ExpenseKind.MILEAGE, "", 10, None, None)
    add_expense(session, event, claims[ann.id], fields, organiser, ZONE, now)
    _approve_all(session, claims.values(), organiser, second, now)

    rows = list(csv.reader(io.StringIO(finance_csv(finance_export(session, [event.id], ZONE)))))
    header, body = rows[0], rows[1:]
    claim_rows = [dict(zip(header, row, strict=True)) for row in body if row[0] == "claim"]
    assert {(r["person"], r["payment"], r["voucher"], r["expenses"]) for r in claim_rows} == {
        ("Person0 Surname0", "27.50", "0.00", "4.50"),
        ("Person1 Surname1", "0.00", "27.50", "0.00"),
    }
    assert claim_rows[0]["event"].startswith("'=HYPERLINK")  # spreadsheet-safe
    assert body[-2][:2] == ["cost centre total", "CC100"] and body[-2][-5:-1] == [
        "27.50",
        "27.50",
        "4.50",
        "59.50",
    ]
    assert body[-1][0] == "total" and body[-1][-2] == "59.50"
    assert "bank" not in ",".join(header).lower()


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    plan=st.lists(
        st.tuples(
            st.sampled_from(list(PaymentChoice)),
            st.lists(st.integers(min_value=1, max_value=400), max_size=3),
            st.sampled_from(["CC100", "CC200"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_export_totals_equal_a_recount_of_the_approved_claims(app, session, plan):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    session.rollback()
    organiser, second = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    _rates(session, organiser, now)
    event, members = _attended_event(session, now, organiser, people=len(plan))
    claims = {c.member_id: c for c in create_claims(session, event, "X", organiser, ZONE, now)}
    for member, (choice, miles_list, cost_centre, approve) in zip(members, plan, strict=True):
        claim = claims[member.id]
        claim.cost_centre = cost_centre
        record_choice(session, claim, choice, True, organiser, now)
        for miles in miles_list:
            fields = ExpenseFields(ExpenseKind.MILEAGE, "", miles, None, None)
            add_expense(session, event, claim, fields, organiser, ZONE, now)
        if approve:
            _approve_all(session, [claim], organiser, second, now)
    export = finance_export(session, [event.id], ZONE)
    approved = session.scalars(
        sa.select(PaymentClaim).where(
            PaymentClaim.event_id == event.id, PaymentClaim.status == ClaimStatus.APPROVED
        )
    ).all()
    recount = sum(
        (0 if c.choice is PaymentChoice.DECLINED else 2750) + 45 * sum(i.miles for i in c.items)
        for c in approved
    )
    assert export.overall.total == recount
    assert sum(s.total for s in export.per_person.values()) == recount
    assert sum(s.total for s in export.per_cost_centre.values()) == recount
    for cost_centre, sums in export.per_cost_centre.items():
        assert sums.claims == sum(1 for c in approved if c.cost_centre == cost_centre)
    session.rollback()


# The staff pages.


def _errors_beside(page: str, field_id: str) -> str:
    """The error message shown beside the field with this id ('' if none)."""
    import re

    at = page.find(f'id="{field_id}-error"')
    if at < 0:
        return ""
    message = page[page.index(">", at) + 1 :].split("</span>", 2)
    text = re.sub(r"<[^>]+>", "", "".join(message[:2]))
    return " ".join(text.split()).removeprefix("Error:").strip()


def test_a_bad_rate_is_answered_beside_the_field_and_nothing_typed_is_lost(
    client, login_as, session, now
):
    comms = make_staff(session, Role.COMMS)
    place_team = make_staff(session, Role.PLACE, ["blackpool"])
    session.commit()
    login_as(comms)
    data = {"kind": "half_day", "amount": "twenty", "effective_from": "2025-12-01"}
    refused = client.post("/staff/events/payment-rates", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert _errors_beside(page, "amount") == "Enter the amount in pounds and pence, like 27.50"
    assert 'value="twenty"' in page and 'value="2025-12-01"' in page
    no_date = client.post(
        "/staff/events/payment-rates",
        data={**data, "amount": "27.50", "effective_from": "2025-02-30"},
    )
    assert no_date.status_code == 400
    assert "Enter a real date" in _errors_beside(no_date.get_data(as_text=True), "effective_from")

    added = client.post("/staff/events/payment-rates", data={**data, "amount": "£27.5"})
    assert added.status_code == 302
    again = client.post("/staff/events/payment-rates", data={**data, "amount": "30"})
    assert again.status_code == 400
    assert "already a half day" in _errors_beside(again.get_data(as_text=True), "effective_from")
    page = client.get("/staff/events/payment-rates").get_data(as_text=True)
    assert "£27.50" in page and "1 December 2025" in page
    login_as(place_team)
    assert client.get("/staff/events/payment-rates").status_code == 403


def test_organisers_claim_approve_and_export_through_the_pages_and_it_is_audited(
    app, client, login_as, session
):
    now = datetime.now(UTC)
    organiser = make_staff(session, Role.PLACE, ["blackpool"])
    second = make_staff(session, Role.COMMS)
    outsider = make_staff(session, Role.PLACE, ["south-cumbria"])
    _rates(session, second, now)
    place_id = organiser.places[0].id
    event, (ann,) = _attended_event(session, now, organiser, people=1, place_id=place_id)
    session.commit()
    base = f"/staff/events/{event.id}/claims"

    login_as(outsider)
    assert client.get(base).status_code == 404
    assert client.post(base, data={"cost_centre": "CC1"}).status_code == 404

    login_as(organiser)
    page = client.get(base).get_data(as_text=True)
    assert "1 panel member marked attended has no claim yet" in page
    empty = client.post(base, data={"cost_centre": "  "})
    assert empty.status_code == 400
    assert _errors_beside(empty.get_data(as_text=True), "cost_centre") == "Enter the cost centre"
    assert client.post(base, data={"cost_centre": "CC100"}).status_code == 302
    claim = session.scalar(sa.select(PaymentClaim).where(PaymentClaim.event_id == event.id))
    prefix = f"e{claim.id}"

    no_receipt = client.post(
        f"{base}/{claim.id}/expenses",
        data={
            f"{prefix}-kind": "travel",
            f"{prefix}-amount": "4.20",
            f"{prefix}-description": "Bus",
        },
    )
    page = no_receipt.get_data(as_text=True)
    assert no_receipt.status_code == 400
    assert "Upload the receipt" in _errors_beside(page, f"{prefix}-receipt")
    assert 'value="4.20"' in page and 'value="Bus"' in page
    wrong = client.post(
        f"{base}/{claim.id}/expenses",
        data={
            f"{prefix}-kind": "parking",
            f"{prefix}-amount": "3",
            f"{prefix}-receipt": (io.BytesIO(b"<html>not a receipt"), "receipt.pdf"),
        },
    )
    assert wrong.status_code == 400
    assert "PDF, PNG or JPEG" in _errors_beside(wrong.get_data(as_text=True), f"{prefix}-receipt")
    added = client.post(
        f"{base}/{claim.id}/expenses",
        data={
            f"{prefix}-kind": "travel",
            f"{prefix}-amount": "4.20",
            f"{prefix}-receipt": (io.BytesIO(PNG), "ticket.png"),
        },
    )
    assert added.status_code == 302

    unasked = client.post(f"{base}/{claim.id}/submit")
    assert unasked.status_code == 409 and "benefits advice" in unasked.get_data(as_text=True)
    chosen = client.post(
        f"{base}/{claim.id}/choice",
        data={f"c{claim.id}-choice": "voucher", f"c{claim.id}-benefits_advice": "yes"},
    )
    assert chosen.status_code == 302
    assert client.post(f"{base}/{claim.id}/submit").status_code == 302
    mine = client.post(f"{base}/{claim.id}/approve")
    assert mine.status_code == 409
    assert "You submitted this claim, so another member of staff must approve" in mine.get_data(
        as_text=True
    )

    login_as(second)
    (item,) = claim.items
    receipt_url = f"{base}/{claim.id}/receipts/{item.id}.pdf"
    assert receipt_url in client.get(base).get_data(as_text=True)
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF-")
    assert receipt.headers["Content-Disposition"].startswith("attachment")
    assert client.post(f"{base}/{claim.id}/approve").status_code == 302
    download = client.get("/staff/events/payments.csv")
    assert download.status_code == 200
    assert (
        download.headers["Content-Disposition"] == 'attachment; filename="involvement-payments.csv"'
    )
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    (claim_row,) = [row for row in rows if row[0] == "claim"]
    assert claim_row[6] == ann.display_name and claim_row[8:12] == [
        "0.00",
        "27.50",
        "4.20",
        "31.70",
    ]

    login_as(outsider)
    theirs = list(
        csv.reader(io.StringIO(client.get("/staff/events/payments.csv").get_data(as_text=True)))
    )
    assert [row for row in theirs if row[0] == "claim"] == []
    assert client.get(receipt_url).status_code == 404

    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.staff_user_id.in_([organiser.id, second.id]))
    ).all()
    assert {"event.claims_view", "event.payments_export", "event.receipt_download"} <= set(actions)


def test_erasure_deletes_unapproved_claims_and_keeps_approved_sums_without_the_member(session, now):
    from surveys.engagement_events.member_data import erase_payment_claims

    organiser, second = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    _rates(session, organiser, now)
    event, (ann,) = _attended_event(session, now, organiser, people=1)
    later, _members = _attended_event(session, now, organiser, people=0)
    booking = invite(session, later, now, ann, state=InvitationState.CONFIRMED)
    mark_booked(session, later, booking, True, organiser, now)
    (approved,) = create_claims(session, event, "CC100", organiser, ZONE, now)
    (draft,) = create_claims(session, later, "CC100", organiser, ZONE, now)
    _approve_all(session, [approved], organiser, second, now)

    erase_payment_claims(session, ann, now)
    session.expire_all()
    assert session.get(PaymentClaim, draft.id) is None
    kept = session.get(PaymentClaim, approved.id)
    assert (kept.member_id, kept.payment_pence, kept.cost_centre) == (None, 2750, "CC100")
    assert finance_export(session, [event.id], ZONE).overall.total == 2750
