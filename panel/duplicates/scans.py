"""The duplicate detector run by a job over every active member, its result stored, so the
duplicates list and the panel health page read it (no page runs the detector: seconds at
100,000 members) and say when it was computed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import visible_place_ids
from panel.auth.models import StaffUser
from panel.duplicates.models import DuplicateScan
from panel.members.matching import DEFAULT_THRESHOLD, MatchRecord, find_duplicates
from panel.members.models import Member, MemberStatus

#: the key of members with no place in a scan's counts by place.
NO_PLACE = "none"


def _place_key(place_id: int | None) -> str:
    return NO_PLACE if place_id is None else str(place_id)


def scan_duplicates(session: Session, now: datetime) -> DuplicateScan:
    """Run the detector over every active member and store the pairs (only the newest scan
    keeps its pairs; older ones keep their counts, for the figures per month)."""
    rows = session.execute(
        sa.select(
            Member.id,
            Member.first_name,
            Member.last_name,
            Member.email,
            Member.postcode,
            Member.age_band,
            Member.place_id,
        ).where(Member.status == MemberStatus.ACTIVE)
    ).all()
    place_of = {row.id: row.place_id for row in rows}
    run = find_duplicates([MatchRecord(*row[:6]) for row in rows], DEFAULT_THRESHOLD)
    by_place: Counter = Counter()
    for pair in run.pairs:
        for place in {place_of[pair.first_id], place_of[pair.second_id]}:
            by_place[_place_key(place)] += 1
    session.execute(
        sa.update(DuplicateScan).where(DuplicateScan.pairs.is_not(None)).values(pairs=None)
    )
    scan = DuplicateScan(
        computed_at=now,
        members_checked=len(rows),
        threshold=DEFAULT_THRESHOLD,
        pair_count=len(run.pairs),
        by_place=dict(by_place),
        pairs=[[p.first_id, p.second_id, p.score, p.reasons] for p in run.pairs],
    )
    session.add(scan)
    session.flush()
    return scan


def scan_duplicates_job(session: Session, now: datetime) -> None:
    """The scheduler's job (hourly): a fresh scan each run; safe to run twice."""
    scan_duplicates(session, now)


def latest_scan(session: Session) -> DuplicateScan | None:
    """The newest stored scan, or None before the job first ran."""
    return session.scalar(
        sa.select(DuplicateScan).order_by(DuplicateScan.computed_at.desc(), DuplicateScan.id.desc())
    )


def scan_pairs_for(session: Session, scan: DuplicateScan, user: StaffUser) -> list[list]:
    """The scan's pairs whose two members are still active and both in the user's places."""
    query = sa.select(Member.id).where(Member.status == MemberStatus.ACTIVE)
    places = visible_place_ids(user)
    if places is not None:
        query = query.where(Member.place_id.in_(places))
    visible = set(session.scalars(query))
    return [p for p in scan.pairs or [] if p[0] in visible and p[1] in visible]


def pairs_in_places(scan: DuplicateScan, place_ids: frozenset[int] | None) -> int:
    """How many of the scan's pairs involve a member of those places (None: all pairs)."""
    if place_ids is None:
        return scan.pair_count
    return sum(scan.by_place.get(str(place), 0) for place in place_ids)
