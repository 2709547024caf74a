"""Involvement payments and expenses: dated rates, a claim for each attendee who is a member,
expense items (a receipt for every receipted kind), submission, and approval by a second member
of staff. Services flush; the caller commits. Money is whole pence throughout.

The rate in force for an event is the latest whose ``effective_from`` is on or before the
event's day in local time (a rate starting on the day applies to that day's events).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.members.models import Member
from panel.state_machine import IllegalTransition, StateMachine
from surveys.engagement_events.attendance import attendee_member_ids
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.payment_models import (
    ClaimStatus,
    ExpenseItem,
    ExpenseKind,
    PaymentChoice,
    PaymentClaim,
    PaymentRate,
    RateKind,
)
from surveys.engagement_events.receipts import MAX_RECEIPT_BYTES, receipt_pdf
from surveys.engagement_events.services import can_organise, visible_events

#: how much of an upload is read: one byte more than a receipt may be, to tell it is too large.
MAX_RECEIPT_READ = MAX_RECEIPT_BYTES + 1

#: a session up to this long is paid at the half-day rate, a longer one at the full-day rate.
HALF_DAY_UP_TO = timedelta(hours=4)

CLAIM_MOVES = StateMachine(
    {
        ClaimStatus.DRAFT: {ClaimStatus.SUBMITTED},
        ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED},
        ClaimStatus.REJECTED: {ClaimStatus.SUBMITTED},
    },
    lambda current, new: f"This claim is {current.value}, so it cannot be {new.value}",
)


class PaymentError(FieldError):
    """A rate or claim cannot be saved; the message says why (and the field, if one)."""


def pounds(pence: int) -> str:
    """Pence as pounds for people and finance: 1250 -> "12.50"."""
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def event_day(event: EngagementEvent, zone: str) -> date:
    """The event's day in local time (what its rates are chosen by)."""
    return event.starts_at.astimezone(ZoneInfo(zone)).date()


# Rates.


def rate_in_force(session: Session, kind: RateKind, day: date) -> PaymentRate | None:
    """The rate of this kind in force on ``day``: the latest starting on or before it."""
    return session.scalar(
        sa.select(PaymentRate)
        .where(PaymentRate.kind == kind, PaymentRate.effective_from <= day)
        .order_by(PaymentRate.effective_from.desc())
        .limit(1)
    )


def all_rates(session: Session) -> list[PaymentRate]:
    """Every rate, by kind, newest first."""
    return list(
        session.scalars(
            sa.select(PaymentRate).order_by(PaymentRate.kind, PaymentRate.effective_from.desc())
        )
    )


def add_rate(
    session: Session,
    kind: RateKind,
    amount_pence: int,
    effective_from: date,
    user: StaffUser,
    now: datetime,
) -> PaymentRate:
    """Add a rate from a date (older events keep the rate of their day). Raises PaymentError
    for a negative amount or a second rate of the same kind from the same day."""
    if amount_pence < 0:
        raise PaymentError("Enter an amount of 0 or more", "amount")
    clash = session.scalar(
        sa.select(PaymentRate.id).where(
            PaymentRate.kind == kind, PaymentRate.effective_from == effective_from
        )
    )
    if clash is not None:
        raise PaymentError(
            f"There is already a {kind.label.lower()} rate from this date", "effective_from"
        )
    rate = PaymentRate(
        kind=kind,
        amount_pence=amount_pence,
        effective_from=effective_from,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(rate)
    session.flush()
    return rate


# Claims.


def session_kind_for(event: EngagementEvent) -> RateKind:
    """Half day for a session up to HALF_DAY_UP_TO, otherwise full day."""
    return (
        RateKind.HALF_DAY
        if event.ends_at - event.starts_at <= HALF_DAY_UP_TO
        else RateKind.FULL_DAY
    )


def create_claims(
    session: Session,
    event: EngagementEvent,
    cost_centre: str,
    user: StaffUser,
    zone: str,
    now: datetime,
) -> list[PaymentClaim]:
    """A draft claim for every member marked attended who has none yet, at the session rate in
    force on the event's day; returns the new claims. Raises PaymentError when no one is left
    to claim for or there is no rate for that day."""
    have = sa.select(PaymentClaim.member_id).where(PaymentClaim.event_id == event.id)
    member_ids = set(session.scalars(attendee_member_ids(event)))
    existing = set(session.scalars(have))
    wanted = sorted(member_ids - existing)
    if not wanted:
        raise PaymentError("Everyone marked attended who is a panel member already has a claim")
    kind = session_kind_for(event)
    day = event_day(event, zone)
    rate = rate_in_force(session, kind, day)
    if rate is None:
        raise PaymentError(
            f"There is no {kind.label.lower()} rate in force on {day:%d %B %Y}: add one first"
        )
    claims = [
        PaymentClaim(
            event_id=event.id,
            member_id=member_id,
            session_kind=kind,
            payment_pence=rate.amount_pence,
            cost_centre=cost_centre,
            created_by_id=user.id,
            created_at=now,
        )
        for member_id in wanted
    ]
    session.add_all(claims)
    session.flush()
    return claims


def _check_editable(claim: PaymentClaim) -> None:
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.REJECTED):
        raise PaymentError(f"This claim is {claim.status.value}, so it cannot be changed")


def record_choice(
    session: Session,
    claim: PaymentClaim,
    choice: PaymentChoice,
    benefits_advice_offered: bool,
    user: StaffUser,
    now: datetime,
) -> None:
    """Record whether they take the payment, a voucher or decline it, and whether benefits
    advice was offered (with who recorded it and when). Raises PaymentError for a claim
    already submitted or decided."""
    _check_editable(claim)
    claim.choice = choice
    if claim.benefits_advice_offered != benefits_advice_offered or claim.benefits_advice_at is None:
        claim.benefits_advice_offered = benefits_advice_offered
        claim.benefits_advice_by_id, claim.benefits_advice_at = user.id, now
    session.flush()


@dataclass(frozen=True)
class ExpenseFields:
    """An expense item as typed."""

    kind: ExpenseKind
    description: str
    miles: int | None
    amount_pence: int | None
    receipt: bytes | None


def add_expense(
    session: Session,
    event: EngagementEvent,
    claim: PaymentClaim,
    fields: ExpenseFields,
    user: StaffUser,
    zone: str,
    now: datetime,
) -> ExpenseItem:
    """Add an expense to a claim: mileage as miles at the mileage rate in force on the event's
    day; any other kind as an amount with its receipt (PDF, PNG or JPEG, checked by content;
    a photo is kept as a PDF).
    Raises PaymentError (or ReceiptError, field "receipt") beside the field at fault."""
    _check_editable(claim)
    item = ExpenseItem(
        claim_id=claim.id,
        kind=fields.kind,
        description=fields.description,
        created_by_id=user.id,
        created_at=now,
    )
    if fields.kind is ExpenseKind.MILEAGE:
        if not fields.miles or fields.miles < 1:
            raise PaymentError("Enter the miles driven, 1 or more", "miles")
        day = event_day(event, zone)
        rate = rate_in_force(session, RateKind.MILEAGE, day)
        if rate is None:
            raise PaymentError(f"There is no mileage rate in force on {day:%d %B %Y}", "miles")
        item.miles, item.mileage_rate_pence = fields.miles, rate.amount_pence
        item.amount_pence = fields.miles * rate.amount_pence
    else:
        if fields.amount_pence is None or fields.amount_pence < 1:
            raise PaymentError("Enter the amount on the receipt", "amount")
        if not fields.receipt:
            raise PaymentError(
                f"Upload the receipt: a {fields.kind.label.lower()} needs one", "receipt"
            )
        item.receipt = receipt_pdf(fields.receipt)
        item.receipt_type, item.amount_pence = "application/pdf", fields.amount_pence
    claim.items.append(item)
    session.flush()
    return item


def remove_expense(session: Session, claim: PaymentClaim, item_id: int) -> None:
    """Take an expense item off a claim. Raises PaymentError if the claim cannot be changed or
    the item is not on it."""
    _check_editable(claim)
    item = session.get(ExpenseItem, item_id)
    if item is None or item.claim_id != claim.id:
        raise PaymentError("That expense was already taken off this claim")
    claim.items.remove(item)
    session.flush()


def _move(claim: PaymentClaim, new: ClaimStatus) -> None:
    try:
        CLAIM_MOVES.move_to(claim, new)
    except IllegalTransition as error:
        raise PaymentError(str(error)) from error


def submit_claim(session: Session, claim: PaymentClaim, user: StaffUser, now: datetime) -> None:
    """Send a draft (or rejected) claim for approval. Raises PaymentError until it is recorded
    whether benefits advice was offered, or if it is not a draft."""
    if claim.benefits_advice_offered is None:
        raise PaymentError("Record whether benefits advice was offered", "benefits_advice")
    _move(claim, ClaimStatus.SUBMITTED)
    claim.submitted_by_id, claim.submitted_at = user.id, now
    claim.approved_by_id, claim.decided_at, claim.decision_note = None, None, ""
    session.flush()


def _check_second_person(claim: PaymentClaim, user: StaffUser) -> None:
    if claim.submitted_by_id == user.id:
        raise PaymentError(
            "You submitted this claim, so another member of staff must approve or reject it"
        )


def approve_claim(session: Session, claim: PaymentClaim, user: StaffUser, now: datetime) -> None:
    """Approve a submitted claim for payment. Raises PaymentError for the person who submitted
    it (a second member of staff must approve) or a claim not waiting for approval."""
    _check_second_person(claim, user)
    _move(claim, ClaimStatus.APPROVED)
    claim.approved_by_id, claim.decided_at = user.id, now
    session.flush()


def reject_claim(
    session: Session, claim: PaymentClaim, user: StaffUser, note: str, now: datetime
) -> None:
    """Send a submitted claim back with a reason (it can then be changed and submitted again).
    Raises PaymentError as approve_claim does, or when no reason is given."""
    _check_second_person(claim, user)
    if not note.strip():
        raise PaymentError("Say why the claim is rejected", "note")
    _move(claim, ClaimStatus.REJECTED)
    claim.approved_by_id, claim.decided_at, claim.decision_note = user.id, now, note.strip()
    session.flush()


@dataclass(frozen=True)
class ClaimCard:
    """One attendee's claim as the claims page shows it, with the staff names it mentions."""

    claim: PaymentClaim
    name: str
    advice_by: str = ""
    submitted_by: str = ""
    decided_by: str = ""


def claim_cards(session: Session, event: EngagementEvent) -> list[ClaimCard]:
    """The event's claims (their items loaded), by the attendee's surname. The caller checks
    the user organises the event and audits the access."""
    rows = session.execute(
        sa.select(PaymentClaim, Member)
        .outerjoin(Member, Member.id == PaymentClaim.member_id)
        .options(selectinload(PaymentClaim.items))
        .where(PaymentClaim.event_id == event.id)
        .order_by(Member.last_name, Member.first_name, PaymentClaim.id)
    ).all()
    staff_ids = {
        user_id
        for claim, _member in rows
        for user_id in (claim.benefits_advice_by_id, claim.submitted_by_id, claim.approved_by_id)
        if user_id is not None
    }
    names = dict(
        session.execute(
            sa.select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(sorted(staff_ids)))
        ).all()
    )
    return [
        ClaimCard(
            claim,
            member.display_name if member else "Former member",
            names.get(claim.benefits_advice_by_id, ""),
            names.get(claim.submitted_by_id, ""),
            names.get(claim.approved_by_id, ""),
        )
        for claim, member in rows
    ]


def claim_for(session: Session, event: EngagementEvent, claim_id: int) -> PaymentClaim | None:
    """The claim with this id, if it belongs to the event."""
    claim = session.get(PaymentClaim, claim_id)
    return claim if claim is not None and claim.event_id == event.id else None


def unclaimed_attendees(session: Session, event: EngagementEvent) -> int:
    """How many members marked attended have no claim yet."""
    have = sa.select(PaymentClaim.member_id).where(
        PaymentClaim.event_id == event.id, PaymentClaim.member_id.is_not(None)
    )
    return len(set(session.scalars(attendee_member_ids(event))) - set(session.scalars(have)))


def organised_event_ids(session: Session, user: StaffUser) -> list[int]:
    """The events whose claims the user may see and export: those they organise."""
    return [
        event.id for event in session.scalars(visible_events(user)) if can_organise(user, event)
    ]


def receipt_of(session: Session, claim: PaymentClaim, expense_id: int) -> bytes | None:
    """The receipt (a PDF) of an expense item on this claim, if it has one."""
    item = session.get(ExpenseItem, expense_id)
    if item is None or item.claim_id != claim.id or not item.receipt:
        return None
    return item.receipt
