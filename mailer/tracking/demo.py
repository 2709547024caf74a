"""Demo figures for the demo bulletin that was already sent: deliveries, a bounce, opens (some
by image proxies), clicks and an unsubscribe, so the stats pages show a realistic picture."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import Bulletin, BulletinRecipient, BulletinStatus, RecipientState
from mailer.events.models import EmailEvent
from mailer.tracking.models import BulletinLink, HitKind, TrackingHit
from mailer.tracking.readers import record_bulletin_readers


def create_demo_tracking(session: Session, now: datetime) -> None:
    """Add example opens and clicks to the first sent demo bulletin."""
    bulletin = session.scalar(
        sa.select(Bulletin).where(Bulletin.status == BulletinStatus.SENT).order_by(Bulletin.id)
    )
    if bulletin is None or session.scalar(
        sa.select(TrackingHit.id).where(TrackingHit.bulletin_id == bulletin.id).limit(1)
    ):
        return
    rng = random.Random(50)
    links = list(
        session.scalars(sa.select(BulletinLink.id).where(BulletinLink.bulletin_id == bulletin.id))
    )
    recipients = session.execute(
        sa.select(BulletinRecipient.id, BulletinRecipient.tracking_consent).where(
            BulletinRecipient.bulletin_id == bulletin.id,
            BulletinRecipient.state == RecipientState.ACCEPTED,
        )
    ).all()
    start = bulletin.started_at or now
    events, hits = [], []
    for index, (recipient_id, consent) in enumerate(recipients):
        delivered = start + timedelta(seconds=rng.randint(5, 300))
        kind = "bounce" if index % 40 == 7 else "delivered"
        events.append(
            {
                "sg_event_id": f"demo-{bulletin.id}-{recipient_id}",
                "dedupe_key": f"demo-{bulletin.id}-{recipient_id}",
                "event": kind,
                "email_hash": "",
                "occurred_at": delivered,
                "bulletin_id": bulletin.id,
                "recipient_id": recipient_id,
                "reason": "mailbox does not exist" if kind == "bounce" else "",
            }
        )
        if kind == "bounce" or not consent:
            continue

        def hit(hit_kind, after, hint="", link_id=None, recipient_id=recipient_id, at=delivered):
            hits.append(
                {
                    "bulletin_id": bulletin.id,
                    "recipient_id": recipient_id,
                    "kind": hit_kind.value,
                    "link_id": link_id,
                    "at": at + after,
                    "machine_hint": hint,
                }
            )

        roll = rng.random()
        if roll < 0.25:  # an image proxy on arrival (Apple Mail Privacy Protection)
            hit(HitKind.OPEN, timedelta(seconds=rng.randint(1, 6)), "agent")
        if roll < 0.10 or 0.25 <= roll < 0.55:  # read by a person, some of them clicking
            hit(HitKind.OPEN, timedelta(minutes=rng.randint(10, 3000)))
            if links and rng.random() < 0.3:
                hit(
                    HitKind.CLICK, timedelta(minutes=rng.randint(3001, 3100)), "", rng.choice(links)
                )
        elif roll > 0.97 and links:  # a link scanner: clicks, never shows images
            hit(HitKind.CLICK, timedelta(seconds=rng.randint(1, 30)), "", rng.choice(links))
    if recipients:
        hit(HitKind.UNSUBSCRIBE, timedelta(days=1), recipient_id=recipients[0][0], at=start)
    session.execute(sa.insert(EmailEvent), events)
    if hits:
        session.execute(sa.insert(TrackingHit), hits)
        record_bulletin_readers(session, now, days=3650)
    session.flush()
