"""Involvement payments and expenses for the people who came to an event: dated rates, one
claim per attendee (the involvement payment, or a voucher, or nothing if they decline), and the
expense items kept apart from it. Money is whole pence. No bank details are kept here: finance
pays from its own records."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow


class RateKind(StrEnum):
    """What a rate pays for: a session's length, or a mile driven."""

    HALF_DAY = "half_day"
    FULL_DAY = "full_day"
    MILEAGE = "mileage"

    @property
    def label(self) -> str:
        return {
            "half_day": "Half day (up to 4 hours)",
            "full_day": "Full day",
            "mileage": "Mileage (per mile)",
        }[self.value]


#: the rate kinds an involvement payment is made at (mileage is for expenses).
SESSION_KINDS = (RateKind.HALF_DAY, RateKind.FULL_DAY)


class PaymentChoice(StrEnum):
    """What the person chose: many people on benefits must decline or take a voucher."""

    PAYMENT = "payment"
    VOUCHER = "voucher"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            "payment": "Payment",
            "voucher": "Voucher",
            "declined": "Declined payment",
        }[self.value]


class ClaimStatus(StrEnum):
    """A claim's life: drafted by an organiser, submitted, then approved or rejected by a
    second member of staff."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExpenseKind(StrEnum):
    """An expense: mileage is worked out from the miles; the others need a receipt."""

    MILEAGE = "mileage"
    TRAVEL = "travel"
    PARKING = "parking"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "mileage": "Mileage",
            "travel": "Bus, train or taxi fare",
            "parking": "Parking",
            "other": "Other (for example care for a dependant)",
        }[self.value]

    @property
    def needs_receipt(self) -> bool:
        return self is not ExpenseKind.MILEAGE


class PaymentRate(Base):
    """A rate from a date: the one in force on an event's day is the latest that started on or
    before it, so a new rate never changes what older events pay."""

    __tablename__ = "payment_rates"
    __table_args__ = (
        sa.UniqueConstraint("kind", "effective_from"),
        sa.CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RateKind] = mapped_column(enum_type(RateKind))
    #: pence per session, or per mile for mileage.
    amount_pence: Mapped[int]
    #: the first day (local date of the event) the rate applies to.
    effective_from: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PaymentRate {self.kind} {self.amount_pence}p from {self.effective_from}>"


class PaymentClaim(Base):
    """One attendee's involvement payment at one event, and their expenses (items below)."""

    __tablename__ = "payment_claims"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "member_id"),
        sa.CheckConstraint("payment_pence >= 0", name="payment_not_negative"),
        # the second pair of eyes, kept by the database too.
        sa.CheckConstraint(
            "approved_by_id IS NULL OR submitted_by_id IS NULL"
            " OR approved_by_id != submitted_by_id",
            name="second_approver",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("engagement_events.id", ondelete="CASCADE"), index=True
    )
    #: None once the member has left the panel and was erased (the sums stay for finance).
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    session_kind: Mapped[RateKind] = mapped_column(enum_type(RateKind))
    #: the session rate in force on the event's day, fixed when the claim was made.
    payment_pence: Mapped[int]
    choice: Mapped[PaymentChoice] = mapped_column(
        enum_type(PaymentChoice), default=PaymentChoice.PAYMENT
    )
    #: None: not asked yet; True: benefits advice was offered (by whom and when below).
    benefits_advice_offered: Mapped[bool | None]
    benefits_advice_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    benefits_advice_at: Mapped[datetime | None]
    #: the finance cost centre code the claim is charged to.
    cost_centre: Mapped[str] = mapped_column(sa.String(40), default="")
    status: Mapped[ClaimStatus] = mapped_column(enum_type(ClaimStatus), default=ClaimStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None]
    #: who approved or rejected it: never the person who submitted it.
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    #: why a claim was rejected.
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")

    items: Mapped[list[ExpenseItem]] = relationship(
        back_populates="claim", order_by="ExpenseItem.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<PaymentClaim {self.id} event={self.event_id} {self.status}>"

    @property
    def involvement_pence(self) -> int:
        """What is paid for taking part (as money or a voucher); 0 if declined."""
        return 0 if self.choice is PaymentChoice.DECLINED else self.payment_pence

    @property
    def expenses_pence(self) -> int:
        """The expense items added up (paid whatever the involvement choice)."""
        return sum(item.amount_pence for item in self.items)


class ExpenseItem(Base):
    """One expense on a claim: miles at the dated mileage rate, or an amount with a receipt."""

    __tablename__ = "payment_expense_items"
    __table_args__ = (sa.CheckConstraint("amount_pence >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_claims.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ExpenseKind] = mapped_column(enum_type(ExpenseKind))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    #: whole miles (mileage only).
    miles: Mapped[int | None]
    #: the mileage rate in force on the event's day (mileage only).
    mileage_rate_pence: Mapped[int | None]
    amount_pence: Mapped[int]
    #: the receipt's media type, checked from its content; photos are kept as PDF (empty: no
    #: receipt).
    receipt_type: Mapped[str] = mapped_column(sa.String(40), default="")
    receipt: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[PaymentClaim] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ExpenseItem {self.id} {self.kind} {self.amount_pence}p>"
