"""Honest bulletin figures, computed by SQL aggregation.

Opens and clicks are counted only for recipients who consented to tracking, over a base of
consenting recipients whose email was accepted and did not bounce or drop. An open is a
machine open when the request named a known proxy or came from a known proxy network, or
came within seconds of delivery (image proxies fetch on arrival, people do not read that
fast). A click is a machine click when the request said so or its recipient never loaded the
pixel (link scanners follow links without showing images). Both figures are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import (
    Bulletin,
    BulletinBatch,
    BulletinRecipient,
    BulletinStatus,
    RecipientState,
)
from mailer.events.models import EmailEvent
from mailer.tracking.models import BulletinLink, HitKind, TrackingHit
from mailer.tracking.sql import seconds_between
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser

#: the panel bulletin's reported open rate, drawn on the trend chart.
BENCHMARK_OPEN_RATE = 0.5
#: an open this soon after delivery is an image proxy fetching on arrival.
FAST_OPEN_SECONDS = 10


@dataclass
class Figures:
    """Counts of recipients (never of requests) for one bulletin, place or segment."""

    recipients: int = 0
    accepted: int = 0
    delivered: int = 0
    bounced: int = 0
    dropped: int = 0
    deferred: int = 0
    complaints: int = 0
    unsubscribes: int = 0
    consenting: int = 0
    base: int = 0
    opened_all: int = 0
    opened_human: int = 0
    clicked_all: int = 0
    clicked_human: int = 0

    def add(self, other: Figures) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def rate(self, count: int) -> float | None:
        return count / self.base if self.base else None

    @property
    def open_rate_human(self) -> float | None:
        return self.rate(self.opened_human)

    @property
    def open_rate_all(self) -> float | None:
        return self.rate(self.opened_all)

    @property
    def click_rate_human(self) -> float | None:
        return self.rate(self.clicked_human)

    @property
    def click_rate_all(self) -> float | None:
        return self.rate(self.clicked_all)


FIGURE_NAMES = [item.name for item in fields(Figures)]


def _event_exists(name: str | tuple[str, ...]):
    names = (name,) if isinstance(name, str) else name
    return sa.exists().where(
        EmailEvent.recipient_id == BulletinRecipient.id,
        EmailEvent.bulletin_id == BulletinRecipient.bulletin_id,
        EmailEvent.event.in_(names),
    )


def _hit(kind: HitKind):
    return sa.exists().where(
        TrackingHit.bulletin_id == BulletinRecipient.bulletin_id,
        TrackingHit.kind == kind.value,
        TrackingHit.recipient_id == BulletinRecipient.id,
    )


def ledger_flags(fast_open_seconds: int):
    """One boolean column per figure, for each ledger row: the table every total sums."""
    delivered_at = (
        sa.select(sa.func.min(EmailEvent.occurred_at))
        .where(EmailEvent.recipient_id == BulletinRecipient.id, EmailEvent.event == "delivered")
        .scalar_subquery()
    )
    accepted_at = (
        sa.select(BulletinBatch.finished_at)
        .where(BulletinBatch.id == BulletinRecipient.batch_id)
        .scalar_subquery()
    )
    arrived = sa.func.coalesce(delivered_at, accepted_at)
    human_open = _hit(HitKind.OPEN).where(
        TrackingHit.machine_hint == "",
        sa.or_(arrived.is_(None), seconds_between(TrackingHit.at, arrived) >= fast_open_seconds),
    )
    human_click = _hit(HitKind.CLICK).where(TrackingHit.machine_hint == "")
    consent = sa.and_(
        BulletinRecipient.tracking_consent.is_(True),
        BulletinRecipient.state == RecipientState.ACCEPTED,
    )
    bounced, dropped = _event_exists("bounce"), _event_exists("dropped")
    unsubscribed = sa.or_(
        _hit(HitKind.UNSUBSCRIBE), _event_exists(("unsubscribe", "group_unsubscribe"))
    )
    return {
        "accepted": BulletinRecipient.state == RecipientState.ACCEPTED,
        "delivered": _event_exists("delivered"),
        "bounced": bounced,
        "dropped": dropped,
        "deferred": _event_exists("deferred"),
        "complaints": _event_exists("spamreport"),
        "unsubscribes": unsubscribed,
        "consenting": consent,
        "base": sa.and_(consent, ~bounced, ~dropped),
        "opened_all": sa.and_(consent, _hit(HitKind.OPEN)),
        "opened_human": sa.and_(consent, human_open),
        "clicked_all": sa.and_(consent, _hit(HitKind.CLICK)),
        "clicked_human": sa.and_(consent, human_click, _hit(HitKind.OPEN)),
    }


def _grouped(session: Session, bulletin_ids: list[int], fast_open_seconds: int):
    """(bulletin_id, place_id, Figures) for each bulletin and the places of its recipients."""
    if not bulletin_ids:
        return []
    flags = ledger_flags(fast_open_seconds)
    columns = [sa.func.count().label("recipients")] + [
        sa.func.sum(sa.case((condition, 1), else_=0)).label(name)
        for name, condition in flags.items()
    ]
    rows = session.execute(
        sa.select(BulletinRecipient.bulletin_id, BulletinRecipient.place_id, *columns)
        .where(BulletinRecipient.bulletin_id.in_(bulletin_ids))
        .group_by(BulletinRecipient.bulletin_id, BulletinRecipient.place_id)
    ).all()
    return [
        (row[0], row[1], Figures(**{name: int(getattr(row, name) or 0) for name in FIGURE_NAMES}))
        for row in rows
    ]


@dataclass
class LinkFigures:
    """Clicks and clickers of one link of a bulletin."""

    position: int
    url: str
    clicks_all: int
    clickers_all: int
    clickers_human: int


#: what the per-link table says for a survey button (each person has their own address).
PERSONAL_LINK = "Each recipient's own survey link"


@dataclass
class BlockFigures:
    """Clicks and clickers of one block's links."""

    label: str
    clicks_all: int
    clickers_all: int
    clickers_human: int


@dataclass
class BulletinStats:
    """A bulletin's figures: in total, by place, and per link."""

    bulletin: Bulletin
    total: Figures
    by_place: list[tuple[str, Figures]] = field(default_factory=list)
    links: list[LinkFigures] = field(default_factory=list)
    fast_open_seconds: int = FAST_OPEN_SECONDS
    blocks: list[BlockFigures] = field(default_factory=list)


def bulletin_stats(
    session: Session, bulletin: Bulletin, place_names: dict[int, str], fast=FAST_OPEN_SECONDS
) -> BulletinStats:
    """Everything the stats page and its CSV show for one bulletin."""
    total = Figures()
    by_place = []
    for _bulletin_id, place_id, figures in _grouped(session, [bulletin.id], fast):
        total.add(figures)
        by_place.append((place_names.get(place_id, "No place recorded"), figures))
    by_place.sort(key=lambda pair: pair[0])
    return BulletinStats(
        bulletin,
        total,
        by_place,
        link_figures(session, bulletin.id),
        fast,
        block_figures(session, bulletin),
    )


def _click_counts(session: Session, bulletin_id: int, *group):
    """Clicks, clickers and human clickers of consenting recipients, grouped by ``group``."""
    opened = (
        sa.select(TrackingHit.recipient_id)
        .where(TrackingHit.bulletin_id == bulletin_id, TrackingHit.kind == HitKind.OPEN.value)
        .scalar_subquery()
    )
    consenting = (
        sa.select(BulletinRecipient.id)
        .where(
            BulletinRecipient.bulletin_id == bulletin_id,
            BulletinRecipient.tracking_consent.is_(True),
        )
        .scalar_subquery()
    )
    human = sa.and_(TrackingHit.machine_hint == "", TrackingHit.recipient_id.in_(opened))
    return session.execute(
        sa.select(
            *group,
            sa.func.count(TrackingHit.id),
            sa.func.count(sa.distinct(TrackingHit.recipient_id)),
            sa.func.count(sa.distinct(sa.case((human, TrackingHit.recipient_id)))),
        )
        .select_from(BulletinLink)
        .outerjoin(
            TrackingHit,
            sa.and_(
                TrackingHit.bulletin_id == bulletin_id,
                TrackingHit.kind == HitKind.CLICK.value,
                TrackingHit.link_id == BulletinLink.id,
                TrackingHit.recipient_id.in_(consenting),
            ),
        )
        .where(BulletinLink.bulletin_id == bulletin_id)
        .group_by(*group)
    ).all()


def link_figures(session: Session, bulletin_id: int) -> list[LinkFigures]:
    """Clicks and clickers per link of the bulletin, in link order."""
    rows = _click_counts(
        session, bulletin_id, BulletinLink.position, BulletinLink.url, BulletinLink.personal
    )
    return sorted(
        (
            LinkFigures(position, PERSONAL_LINK if personal else url, *counts)
            for position, url, personal, *counts in rows
        ),
        key=lambda link: link.position,
    )


def block_figures(session: Session, bulletin: Bulletin) -> list[BlockFigures]:
    """Clicks and clickers per block (a person clicking two links of a block counts once), in
    block order; links outside blocks (introduction, items, footer) come last as one row."""
    counts = {
        block_id: counts
        for block_id, *counts in _click_counts(session, bulletin.id, BulletinLink.block_id)
    }
    figures = [
        BlockFigures(f"{number}. {block.kind.label}", *counts[block.id])
        for number, block in enumerate(bulletin.blocks, start=1)
        if block.id in counts
    ]
    if None in counts:
        figures.append(BlockFigures("Links outside the blocks", *counts[None]))
    return figures


@dataclass
class TrendRow:
    """One bulletin's figures in the trend table."""

    bulletin: Bulletin
    figures: Figures


@dataclass
class Overview:
    """The stats overview: recent bulletins, figures by segment, and the benchmark open rate."""

    trend: list[TrendRow]
    by_segment: list[tuple[str, int, Figures]]
    benchmark: float = BENCHMARK_OPEN_RATE


def sent_bulletins(session: Session, user: StaffUser, limit: int = 24) -> list[Bulletin]:
    """The user's most recent bulletins that went out, oldest first (for the trend)."""
    statement = (
        sa.select(Bulletin)
        .where(Bulletin.status.in_([BulletinStatus.SENT, BulletinStatus.SENDING]))
        .order_by(Bulletin.started_at.desc(), Bulletin.id.desc())
        .limit(limit)
    )
    if user.role.value == "place":
        statement = scope_to_places(statement, user, Bulletin.place_id)
    return list(reversed(session.scalars(statement).all()))


def overview(session: Session, user: StaffUser, fast=FAST_OPEN_SECONDS) -> Overview:
    """The trend across the user's bulletins and the same figures summed by audience segment."""
    bulletins = sent_bulletins(session, user)
    per_bulletin = {bulletin.id: Figures() for bulletin in bulletins}
    for bulletin_id, _place_id, figures in _grouped(session, list(per_bulletin), fast):
        per_bulletin[bulletin_id].add(figures)
    segments: dict[str, tuple[int, Figures]] = {}
    for bulletin in bulletins:
        name = bulletin.segment.name if bulletin.segment else "Whole panel"
        count, figures = segments.get(name, (0, Figures()))
        figures.add(per_bulletin[bulletin.id])
        segments[name] = (count + 1, figures)
    return Overview(
        [TrendRow(bulletin, per_bulletin[bulletin.id]) for bulletin in bulletins],
        sorted((name, count, figures) for name, (count, figures) in segments.items()),
    )


def figures_by_bulletin(
    session: Session, bulletin_ids: list[int], fast=FAST_OPEN_SECONDS
) -> dict[int, Figures]:
    """Each bulletin's figures summed over its recipients' places (one aggregate query)."""
    totals = {bulletin_id: Figures() for bulletin_id in bulletin_ids}
    for bulletin_id, _place_id, figures in _grouped(session, bulletin_ids, fast):
        totals[bulletin_id].add(figures)
    return totals
