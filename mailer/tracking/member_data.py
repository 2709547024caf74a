"""What tracking holds about a member (opens, clicks, unsubscribes), in their data export."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.bulletins.models import Bulletin, BulletinRecipient
from mailer.tracking.models import TrackingHit
from panel.members.services.member_area import member_data_section


@member_data_section("tracking_hits")
def tracking_section(session, member):
    """The opens and clicks recorded for a member, for their copy of their data."""
    # Erasure needs no step of its own: the ledger row loses its member, so these lose theirs.
    rows = session.execute(
        sa.select(Bulletin.title, TrackingHit.kind, TrackingHit.at)
        .join(BulletinRecipient, BulletinRecipient.id == TrackingHit.recipient_id)
        .join(Bulletin, Bulletin.id == TrackingHit.bulletin_id)
        .where(BulletinRecipient.member_id == member.id)
        .order_by(TrackingHit.at)
    ).all()
    return "bulletin_opens_clicks_and_unsubscribes", [
        {"bulletin": title, "what": kind, "at": at.isoformat()} for title, kind, at in rows
    ]
