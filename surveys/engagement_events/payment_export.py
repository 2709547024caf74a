"""The finance export of approved claims: one row per claim (the involvement payment, a voucher
and expenses in columns of their own, never added into one another), then totals per person, per
cost centre and overall. Written through panel.csv_export, so every cell is spreadsheet-safe.
It holds no bank details: finance pays from its own records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.csv_export import csv_text
from panel.members.models import Member
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.payment_models import ClaimStatus, PaymentChoice, PaymentClaim
from surveys.engagement_events.payments import event_day, pounds

HEADER = (
    "row",
    "cost_centre",
    "place",
    "event",
    "event_day",
    "member_id",
    "person",
    "choice",
    "payment",
    "voucher",
    "expenses",
    "total",
    "approved_at",
)


@dataclass
class Sums:
    """Money in pence, kept apart by what it is for."""

    payment: int = 0
    voucher: int = 0
    expenses: int = 0
    claims: int = 0
    names: set[str] = field(default_factory=set)

    def add(self, claim: PaymentClaim) -> None:
        if claim.choice is PaymentChoice.PAYMENT:
            self.payment += claim.involvement_pence
        elif claim.choice is PaymentChoice.VOUCHER:
            self.voucher += claim.involvement_pence
        self.expenses += claim.expenses_pence
        self.claims += 1

    @property
    def total(self) -> int:
        return self.payment + self.voucher + self.expenses

    def money(self) -> list[str]:
        return [
            pounds(self.payment),
            pounds(self.voucher),
            pounds(self.expenses),
            pounds(self.total),
        ]


@dataclass(frozen=True)
class FinanceExport:
    """The export's rows and its totals (for the page and the tests)."""

    rows: list[list[str]]
    per_person: dict[int | None, Sums]
    per_cost_centre: dict[str, Sums]
    overall: Sums


def approved_claims(session: Session, event_ids: Iterable[int]) -> list[PaymentClaim]:
    """The approved claims of these events, by event day then claim."""
    ids = sorted(set(event_ids))
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(PaymentClaim)
            .join(EngagementEvent, EngagementEvent.id == PaymentClaim.event_id)
            .options(selectinload(PaymentClaim.items))
            .where(PaymentClaim.event_id.in_(ids), PaymentClaim.status == ClaimStatus.APPROVED)
            .order_by(EngagementEvent.starts_at, PaymentClaim.id)
        )
    )


def finance_export(session: Session, event_ids: Iterable[int], zone: str) -> FinanceExport:
    """Rows for finance: each approved claim of these events, then the totals per person, per
    cost centre and overall."""
    claims = approved_claims(session, event_ids)
    events = {
        event.id: event
        for event in session.scalars(
            sa.select(EngagementEvent)
            .options(selectinload(EngagementEvent.place))
            .where(EngagementEvent.id.in_({c.event_id for c in claims}))
        )
    }
    member_ids = {c.member_id for c in claims if c.member_id is not None}
    names = {
        member.id: member.display_name
        for member in session.scalars(sa.select(Member).where(Member.id.in_(member_ids)))
    }
    per_person: dict[int | None, Sums] = defaultdict(Sums)
    per_cost_centre: dict[str, Sums] = defaultdict(Sums)
    overall = Sums()
    rows = []
    tz = ZoneInfo(zone)
    for claim in claims:
        event = events[claim.event_id]
        name = names.get(claim.member_id, "Former member")
        one = Sums()
        one.add(claim)
        for sums in (per_person[claim.member_id], per_cost_centre[claim.cost_centre], overall):
            sums.add(claim)
        per_person[claim.member_id].names.add(name)
        rows.append(
            [
                "claim",
                claim.cost_centre,
                event.place.name if event.place else "",
                event.title,
                event_day(event, zone).isoformat(),
                claim.member_id or "",
                name,
                claim.choice.value,
                *one.money(),
                _local(claim.decided_at, tz),
            ]
        )
    for member_id, sums in sorted(per_person.items(), key=lambda item: item[0] or 0):
        person = ", ".join(sorted(sums.names))
        rows.append(
            ["person total", "", "", "", "", member_id or "", person, "", *sums.money(), ""]
        )
    for cost_centre, sums in sorted(per_cost_centre.items()):
        rows.append(["cost centre total", cost_centre, "", "", "", "", "", "", *sums.money(), ""])
    rows.append(["total", "", "", "", "", "", "", "", *overall.money(), ""])
    return FinanceExport(rows, dict(per_person), dict(per_cost_centre), overall)


def _local(instant: datetime | None, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M") if instant else ""


def finance_csv(export: FinanceExport) -> str:
    """The export as spreadsheet-safe CSV text."""
    return csv_text(HEADER, export.rows)
