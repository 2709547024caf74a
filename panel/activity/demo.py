"""Demo activity: a member who went quiet and is now inactive, one whose address bounced, and a
lower cap for the youngest age band (demo only; once)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.demo import DEMO_DOMAIN
from panel.members.models import Member, MemberStatus
from panel.segments.models import GroupContactCap


def create_demo_activity(session: Session, now: datetime) -> None:
    """Once: one inactive member, one unreachable member, a group cap."""
    if session.scalar(sa.select(GroupContactCap.id).limit(1)) is not None:
        return
    session.add(
        GroupContactCap(
            field="age_band",
            value="16-24",
            max_invitations=1,
            window_days=60,
            reason="Few young members, and every programme wants to hear from them",
            created_at=now,
        )
    )
    long_ago = session.scalars(
        sa.select(Member)
        .where(
            Member.status == MemberStatus.ACTIVE,
            Member.joined_at < now - timedelta(days=500),
            Member.email.like(f"%@{DEMO_DOMAIN}"),
        )
        .order_by(Member.id.desc())
        .limit(2)
    ).all()
    if long_ago:
        long_ago[0].move_to(MemberStatus.INACTIVE)
        long_ago[0].inactive_at = now - timedelta(days=40)
    if len(long_ago) > 1:
        long_ago[1].unreachable_at = now - timedelta(days=10)
        long_ago[1].unreachable_reason = "bounced"
    session.flush()
