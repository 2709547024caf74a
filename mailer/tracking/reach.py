"""Bulletin reach for the assurance dashboard: the bulletins sent in a period, the copies the
provider took, the people reached, and the human open rate (machine opens apart) against the
50% benchmark. Aggregated in SQL: two queries whatever the number of bulletins or recipients."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import Bulletin, BulletinRecipient, RecipientState
from mailer.tracking.stats import BENCHMARK_OPEN_RATE, Figures, figures_by_bulletin
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from surveys.assurance.period import Period
from surveys.assurance.sections import AssuranceSection


@dataclass(frozen=True)
class SentBulletin:
    """One bulletin sent in the period, for the list behind the figures."""

    id: int
    title: str
    accepted: int
    open_rate_human: float | None


@dataclass(frozen=True)
class Reach:
    """Bulletin reach in a period."""

    bulletins: list[SentBulletin]
    total: Figures
    #: different members whose copy the provider accepted (erased members cannot be counted).
    people: int
    benchmark: float = BENCHMARK_OPEN_RATE

    @property
    def machine_opens(self) -> int:
        return self.total.opened_all - self.total.opened_human


def bulletin_reach(session: Session, user: StaffUser, period: Period) -> Reach:
    """Bulletins whose send started in the period (a place's own for those who see places)."""
    query = sa.select(Bulletin.id, Bulletin.title).where(
        Bulletin.started_at >= period.start_at, Bulletin.started_at < period.end_at
    )
    # A place team (or a place board's observer) sees its places' own bulletins.
    query = scope_to_places(query, user, Bulletin.place_id)
    rows = session.execute(query.order_by(Bulletin.started_at, Bulletin.id)).all()
    ids = [row.id for row in rows]
    per_bulletin = figures_by_bulletin(session, ids)
    total = Figures()
    for figures in per_bulletin.values():
        total.add(figures)
    people = (
        session.scalar(
            sa.select(sa.func.count(sa.distinct(BulletinRecipient.member_id))).where(
                BulletinRecipient.bulletin_id.in_(ids),
                BulletinRecipient.state == RecipientState.ACCEPTED,
            )
        )
        if ids
        else 0
    )
    listed = [
        SentBulletin(
            row.id,
            row.title,
            per_bulletin[row.id].accepted,
            per_bulletin[row.id].open_rate_human,
        )
        for row in rows
    ]
    return Reach(listed, total, people or 0)


def reach_section(session: Session, user: StaffUser, period: Period) -> AssuranceSection:
    """The dashboard's bulletin reach section."""
    return AssuranceSection(
        "mailer/tracking/_assurance_reach.html", bulletin_reach(session, user, period)
    )
