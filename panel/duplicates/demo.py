"""Demo duplicates: a few members who signed up twice, one pair already merged."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.duplicates.merging import merge_members
from panel.duplicates.models import MemberMerge
from panel.duplicates.scans import scan_duplicates
from panel.members.demo import DEMO_DOMAIN
from panel.members.matching import NICKNAMES
from panel.members.models import Member, MemberStatus
from panel.places.models import Place

SHORT_FORM = {full: short for short, full in NICKNAMES.items()}


def create_demo_duplicates(session: Session, now: datetime) -> int:
    """Second sign-ups of four demo members in Blackpool, the first merged two days ago;
    once only. Returns how many second sign-ups were made."""
    if session.scalar(sa.select(MemberMerge.id).limit(1)) is not None:
        return 0
    blackpool = session.scalar(sa.select(Place).where(Place.code == "blackpool"))
    originals = session.scalars(
        sa.select(Member)
        .where(Member.status == MemberStatus.ACTIVE, Member.place_id == blackpool.id)
        .order_by(Member.id)
        .limit(4)
    ).all()
    seconds = []
    for number, original in enumerate(originals):
        first = original.first_name or ""
        second = Member(
            email=f"second.signup.{number}@{DEMO_DOMAIN}",
            first_name=SHORT_FORM.get(first.lower(), first).title(),
            last_name=original.last_name,
            postcode=original.postcode,
            place_id=original.place_id,
            neighbourhood_id=original.neighbourhood_id,
            age_band=original.age_band,
            topics=list(original.topics or []),
            status=MemberStatus.ACTIVE,
            created_at=now - timedelta(days=5 - number),
            joined_at=now - timedelta(days=5 - number),
        )
        session.add(second)
        seconds.append(second)
    session.flush()
    if seconds:
        merge_members(
            session,
            None,
            originals[0],
            seconds[0],
            now - timedelta(days=2),
            reasons="demo: the same person signed up twice",
        )
    # What the hourly job would have stored, so the lists have something to show.
    scan_duplicates(session, now)
    return len(seconds)
