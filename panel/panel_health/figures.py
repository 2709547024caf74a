"""The panel's health per month and per place: size, joiners, leavers, members moved to
inactive, addresses found unreachable, and likely duplicates (from the stored duplicate scans).
Counted from the rows on every read in a handful of grouped queries (one pass over members
for the events, one for the sizes), within the places the user may see; nothing is written."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, defer

from panel.activity.months import Month, last_months, month_of
from panel.auth.access import scope_to_places, visible_place_ids
from panel.auth.models import StaffUser
from panel.duplicates.models import DuplicateScan
from panel.duplicates.scans import NO_PLACE as SCAN_NO_PLACE
from panel.members.models import Member, MemberStatus
from panel.places.models import Place

MONTHS = 12
NO_PLACE = "No place recorded"
#: the monthly measures, in the order the tables and the export show them.
MEASURES = {
    "size": "Members at the end of the month",
    "joined": "Joined",
    "left": "Left",
    "inactive": "Moved to inactive",
    "unreachable": "Email found unreachable",
    "duplicates": "Likely duplicate pairs",
}
_EVENTS = {
    "joined": Member.joined_at,
    "left": Member.left_at,
    "inactive": Member.inactive_at,
    "unreachable": Member.unreachable_at,
}


@dataclass
class Figures:
    """One month's (or one place's) figures; duplicates is None where no scan ran."""

    size: int = 0
    joined: int = 0
    left: int = 0
    inactive: int = 0
    unreachable: int = 0
    duplicates: int | None = None

    def value(self, measure: str) -> int | None:
        return getattr(self, measure)


@dataclass
class PlaceNow:
    """Where one place stands now."""

    label: str
    active: int = 0
    inactive: int = 0
    unreachable: int = 0
    duplicates: int | None = None


@dataclass
class PanelHealth:
    """The figures the health page, its export and the assurance section show."""

    months: list[Month]
    #: month key -> the whole (visible) panel's figures.
    totals: dict[str, Figures]
    #: place label -> month key -> figures.
    by_place: dict[str, dict[str, Figures]]
    now: list[PlaceNow]
    scan: DuplicateScan | None
    all_places: bool
    place_labels: dict = field(default_factory=dict)


def _scoped(statement, user: StaffUser):
    return scope_to_places(statement, user, Member.place_id)


def _place_labels(session: Session) -> dict:
    return {**dict(session.execute(sa.select(Place.id, Place.name)).all()), None: NO_PLACE}


#: the bucket of events before the first month shown (for the size at its start).
BEFORE = "before"


def _event_counts(session: Session, user: StaffUser, months: list[Month]):
    """(measure, place id, month key, count) for each event column, one grouped query each,
    read from its date index. Joiners and leavers before the first month are counted too (key
    BEFORE), for the size at its start."""
    for measure, column in _EVENTS.items():
        whole_history = measure in ("joined", "left")
        bucket = month_of(column, months, BEFORE if whole_history else None)
        bucket = bucket.label("month")
        since = column.is_not(None) if whole_history else column >= months[0].start_at
        query = _scoped(
            sa.select(Member.place_id, bucket, sa.func.count())
            .where(
                since,
                column < months[-1].end_at,
                # A record merged into another is the same person joining twice.
                Member.status != MemberStatus.MERGED,
            )
            .group_by(Member.place_id, bucket),
            user,
        )
        for place_id, key, count in session.execute(query):
            if key is not None:
                yield measure, place_id, key, count


def _sizes(months: list[Month], joined: dict, left: dict):
    """Members at the end of each month, per place: joined by then and not left by then
    (records merged into another are not counted). No one leaves before joining, so that is
    those joined before the first month less those left before it, then each month's joiners
    less its leavers."""
    for place_id in {p for p, _key in joined} | {p for p, _key in left}:
        running = joined.get((place_id, BEFORE), 0) - left.get((place_id, BEFORE), 0)
        for month in months:
            running += joined.get((place_id, month.key), 0) - left.get((place_id, month.key), 0)
            yield place_id, month.key, running


def _now_by_place(session: Session, user: StaffUser):
    """(place id, active, inactive, unreachable) now: counted from the indexes alone."""
    kept = Member.status.in_([MemberStatus.ACTIVE, MemberStatus.INACTIVE])
    counts: dict = defaultdict(lambda: [0, 0, 0])
    by_status = _scoped(
        sa.select(Member.place_id, Member.status, sa.func.count())
        .where(kept)
        .group_by(Member.place_id, Member.status),
        user,
    )
    for place_id, status, count in session.execute(by_status):
        counts[place_id][0 if status == MemberStatus.ACTIVE else 1] += count
    unreachable = _scoped(
        sa.select(Member.place_id, sa.func.count())
        .where(Member.unreachable_at.is_not(None), kept)
        .group_by(Member.place_id),
        user,
    )
    for place_id, count in session.execute(unreachable):
        counts[place_id][2] += count
    return [(place_id, *values) for place_id, values in counts.items()]


def _monthly_scans(session: Session, months: list[Month]) -> dict[str, DuplicateScan]:
    """The last stored duplicate scan of each month."""
    bucket = month_of(DuplicateScan.computed_at, months).label("month")
    last_ids = (
        sa.select(sa.func.max(DuplicateScan.id))
        .where(DuplicateScan.computed_at >= months[0].start_at)
        .group_by(bucket)
    )
    scans = session.scalars(
        sa.select(DuplicateScan)
        .where(DuplicateScan.id.in_(last_ids))
        .options(defer(DuplicateScan.pairs))
    )
    keys = {m.key: m for m in months}
    result = {}
    for scan in scans:
        for key, month in keys.items():
            if month.start_at <= scan.computed_at < month.end_at:
                result[key] = scan
    return result


def _scan_pairs(scan: DuplicateScan, place_key: str) -> int:
    return int(scan.by_place.get(place_key, 0))


def panel_health(session: Session, user: StaffUser, now: datetime) -> PanelHealth:
    """The last twelve months' figures, in all and per place, and each place now."""
    months = last_months(now, MONTHS)
    labels = _place_labels(session)
    places = visible_place_ids(user)
    by_place: dict[str, dict[str, Figures]] = defaultdict(
        lambda: {m.key: Figures() for m in months}
    )
    events: dict[str, dict] = defaultdict(dict)
    for measure, place_id, key, count in _event_counts(session, user, months):
        events[measure][(place_id, key)] = count
        if key != BEFORE:
            figures = by_place[labels.get(place_id, NO_PLACE)][key]
            setattr(figures, measure, figures.value(measure) + count)
    for place_id, key, size in _sizes(months, events["joined"], events["left"]):
        by_place[labels.get(place_id, NO_PLACE)][key].size += size
    scans = _monthly_scans(session, months)
    latest = max(scans.values(), key=lambda s: (s.computed_at, s.id), default=None)
    visible_keys = (
        {str(p) for p in places}
        if places is not None
        else {str(p) for p in labels if p is not None} | {SCAN_NO_PLACE}
    )
    for key, scan in scans.items():
        for place_key in visible_keys:
            place_id = None if place_key == SCAN_NO_PLACE else int(place_key)
            label = labels.get(place_id, NO_PLACE)
            pairs = _scan_pairs(scan, place_key)
            if pairs or label in by_place:
                by_place[label][key].duplicates = pairs
    totals = {m.key: Figures() for m in months}
    for figures in by_place.values():
        for key, month_figures in figures.items():
            total = totals[key]
            for measure in ("size", "joined", "left", "inactive", "unreachable"):
                setattr(total, measure, total.value(measure) + month_figures.value(measure))
    for key, scan in scans.items():
        # A pair across two places counts once in each place's row; in all, once for those who
        # see every place (for a user of several places, in each of theirs).
        totals[key].duplicates = (
            scan.pair_count if places is None else sum(_scan_pairs(scan, str(p)) for p in places)
        )
    now_rows = []
    for place_id, active, inactive, unreachable in _now_by_place(session, user):
        pairs = (
            _scan_pairs(latest, SCAN_NO_PLACE if place_id is None else str(place_id))
            if latest
            else None
        )
        now_rows.append(
            PlaceNow(
                labels.get(place_id, NO_PLACE),
                int(active or 0),
                int(inactive or 0),
                int(unreachable or 0),
                pairs,
            )
        )
    return PanelHealth(
        months=months,
        totals=totals,
        by_place=dict(sorted(by_place.items())),
        now=sorted(now_rows, key=lambda r: r.label),
        scan=latest,
        all_places=places is None,
    )


def export_rows(health: PanelHealth):
    """The figures as CSV rows (month, place, then each measure); "All places" first."""
    yield ["Month", "Place", *MEASURES.values()]
    for month in health.months:
        rows = [("All places", health.totals[month.key])] + [
            (label, figures[month.key]) for label, figures in health.by_place.items()
        ]
        for label, figures in rows:
            yield [
                month.key,
                label,
                *["" if figures.value(m) is None else figures.value(m) for m in MEASURES],
            ]
