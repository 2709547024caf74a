"""When a bulletin goes: local times made safe across clock changes, and the claim that lets
exactly one scheduler process start a due send."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import (
    Bulletin,
    BulletinRecipient,
    BulletinStatus,
    IllegalTransition,
    RecipientState,
)
from mailer.bulletins.services import audience
from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.segments.services.special_category import (
    Use,
    check_special_category,
    special_category_fields,
)

logger = logging.getLogger(__name__)

#: a scheduled send claimed later than this after its time says so on its page.
LATE_AFTER = timedelta(seconds=60)
#: a sender that has not written its heartbeat for this long has died; another may take over.
LEASE = timedelta(minutes=5)


def schedule_bulletin(
    session: Session, bulletin: Bulletin, user: StaffUser, send_at: datetime, now: datetime
) -> None:
    """Schedule (or reschedule) the send; a time in the past means "now". Raises
    IllegalTransition when sending has already started, and SpecialCategoryRefused (audited)
    when the audience is a segment on special category fields and ``user`` is not comms."""
    if bulletin.segment is not None:
        check_special_category(
            session,
            user,
            special_category_fields(bulletin.segment.definition),
            Use.BULLETIN,
            object_type="bulletin",
            object_ids=[bulletin.id],
            now=now,
        )
    bulletin.move_to(BulletinStatus.SCHEDULED)
    bulletin.send_at = max(send_at, now)
    bulletin.scheduled_by_id = user.id
    bulletin.updated_at = now
    record_audit(
        session, user, "bulletin.schedule", "bulletin", [bulletin.id], send_at.isoformat(), now=now
    )


def unschedule_bulletin(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime):
    """Back to draft before sending starts. Raises IllegalTransition."""
    if bulletin.status is not BulletinStatus.SCHEDULED:
        raise IllegalTransition("Only a scheduled bulletin can go back to draft")
    bulletin.move_to(BulletinStatus.DRAFT)
    bulletin.send_at = None
    record_audit(session, user, "bulletin.unschedule", "bulletin", [bulletin.id], now=now)


def cancel_bulletin(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime) -> int:
    """Cancel a draft, a scheduled bulletin or the rest of a send; returns how many recipients
    will now not get it. Raises IllegalTransition."""
    bulletin.move_to(BulletinStatus.CANCELLED)
    dropped = session.execute(
        sa.update(BulletinRecipient)
        .where(
            BulletinRecipient.bulletin_id == bulletin.id,
            BulletinRecipient.state == RecipientState.PENDING,
        )
        .values(state=RecipientState.CANCELLED)
    ).rowcount
    bulletin.finished_at = now
    record_audit(
        session, user, "bulletin.cancel", "bulletin", [bulletin.id], f"{dropped} not sent", now=now
    )
    return dropped


def pause_bulletin(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime) -> None:
    """The sender stops after its current batch. Raises IllegalTransition."""
    bulletin.move_to(BulletinStatus.PAUSED)
    record_audit(session, user, "bulletin.pause", "bulletin", [bulletin.id], now=now)


def resume_bulletin(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime) -> None:
    """Carry on with the pending recipients at the next dispatch. Raises IllegalTransition."""
    bulletin.move_to(BulletinStatus.SCHEDULED)
    bulletin.send_at = now
    record_audit(session, user, "bulletin.resume", "bulletin", [bulletin.id], now=now)


def claim_bulletin(session: Session, bulletin_id: int, worker: str, now: datetime) -> bool:
    """Atomically move one due bulletin to sending, or take over a send whose sender died.

    The conditional UPDATE is the lock: of two schedulers, only one sees rowcount 1. Commits."""
    claimed = session.execute(
        sa.update(Bulletin)
        .where(
            Bulletin.id == bulletin_id,
            sa.or_(
                sa.and_(Bulletin.status == BulletinStatus.SCHEDULED, Bulletin.send_at <= now),
                sa.and_(
                    Bulletin.status == BulletinStatus.SENDING, Bulletin.heartbeat_at < now - LEASE
                ),
            ),
        )
        .values(status=BulletinStatus.SENDING, worker=worker, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        return False
    bulletin = session.get(Bulletin, bulletin_id)
    session.refresh(bulletin)
    if bulletin.started_at is None:
        bulletin.started_at = now
        late = now - bulletin.send_at if bulletin.send_at else timedelta(0)
        bulletin.late_seconds = int(late.total_seconds()) if late > LATE_AFTER else 0
        user = bulletin.scheduled_by
        if user is None:
            raise audience.AudienceError("Nobody is recorded as scheduling this bulletin")
        # Fixed in the claim's transaction: a crash leaves either no claim or a whole list.
        audience.fix_recipients(session, bulletin, user, now)
    session.commit()
    return True


def due_bulletin_ids(session: Session, now: datetime) -> list[int]:
    """Ids of scheduled bulletins whose send time has come."""
    return list(
        session.scalars(
            sa.select(Bulletin.id)
            .where(
                sa.or_(
                    sa.and_(Bulletin.status == BulletinStatus.SCHEDULED, Bulletin.send_at <= now),
                    sa.and_(
                        Bulletin.status == BulletinStatus.SENDING,
                        Bulletin.heartbeat_at < now - LEASE,
                    ),
                )
            )
            .order_by(Bulletin.send_at)
        )
    )
