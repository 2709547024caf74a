"""A person reading a bulletin is a sign of life: each member whose open or click the honest
figures count as a person's (not an image proxy's or a link scanner's) gets one
"opened a bulletin" contact per bulletin. The inactivity cycle and the segment condition
"opened a bulletin in the last N months" read those contacts; without this step they would see
no bulletin reader at all.

Only recipients who consented to tracking are counted, as in the figures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import BulletinRecipient
from mailer.tracking.models import HitKind, TrackingHit
from mailer.tracking.stats import FAST_OPEN_SECONDS, ledger_flags
from panel.segments.models import ContactKind, MemberContact

#: hits stored within this many days are looked at by each run (the job runs every 15 minutes,
#: so a missed run or a late fold still gets recorded); `flask --app wsgi record-bulletin-readers
#: --days N` looks further back once, for opens from before this step existed.
RECENT_DAYS = 7


def record_bulletin_readers(
    session: Session,
    now: datetime,
    days: int = RECENT_DAYS,
    fast_open_seconds: int = FAST_OPEN_SECONDS,
) -> int:
    """Add the missing "opened a bulletin" contacts of people who read a bulletin (an open or
    click stored in the last ``days``); returns how many were added. Safe to run twice."""
    flags = ledger_flags(fast_open_seconds)
    recent = sa.select(TrackingHit.recipient_id).where(
        TrackingHit.kind.in_([HitKind.OPEN.value, HitKind.CLICK.value]),
        TrackingHit.at >= now - timedelta(days=days),
    )
    first_read = (
        sa.select(sa.func.min(TrackingHit.at))
        .where(
            TrackingHit.bulletin_id == BulletinRecipient.bulletin_id,
            TrackingHit.recipient_id == BulletinRecipient.id,
            TrackingHit.kind.in_([HitKind.OPEN.value, HitKind.CLICK.value]),
            TrackingHit.machine_hint == "",
        )
        .scalar_subquery()
    )
    recorded = sa.exists().where(
        MemberContact.member_id == BulletinRecipient.member_id,
        MemberContact.kind == ContactKind.BULLETIN_OPEN,
        MemberContact.reference_id == BulletinRecipient.bulletin_id,
    )
    readers = sa.select(
        BulletinRecipient.member_id,
        sa.literal(ContactKind.BULLETIN_OPEN.value),
        BulletinRecipient.bulletin_id,
        first_read,
    ).where(
        BulletinRecipient.id.in_(recent),
        BulletinRecipient.member_id.is_not(None),
        sa.or_(flags["opened_human"], flags["clicked_human"]),
        ~recorded,
    )
    # RETURNING counts the rows: psycopg reports no row count for INSERT ... SELECT
    added = session.execute(
        sa.insert(MemberContact)
        .from_select(["member_id", "kind", "reference_id", "at"], readers)
        .returning(MemberContact.id)
    ).all()
    return len(added)


def record_bulletin_readers_job(session: Session, now: datetime) -> int:
    """The scheduler's adapter (every 15 minutes)."""
    return record_bulletin_readers(session, now)
