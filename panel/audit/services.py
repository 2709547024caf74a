"""Recording and listing audit events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.models import AuditEvent
from panel.database import utcnow


def record_audit(
    session: Session,
    actor,
    action: str,
    object_type: str,
    object_ids: Iterable[object] = (),
    detail: str = "",
    now: datetime | None = None,
) -> AuditEvent:
    """Add an audit row in the caller's transaction, so the action and its record commit together.

    ``actor`` is a StaffUser or None for the system.
    """
    event = AuditEvent(
        at=now or utcnow(),
        staff_user_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_ids=",".join(str(i) for i in object_ids),
        detail=detail[:500],
    )
    session.add(event)
    return event


def list_audit_events(
    session: Session,
    *,
    action: str = "",
    staff_user_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEvent], int]:
    """Newest first, filtered; returns (events on the page, total matching)."""
    query = sa.select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if staff_user_id:
        query = query.where(AuditEvent.staff_user_id == staff_user_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    events = session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(events), total or 0


def distinct_actions(session: Session) -> list[str]:
    """Every action name in the audit log, sorted, for the filter."""
    return list(
        session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
