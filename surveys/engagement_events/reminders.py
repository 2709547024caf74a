"""Reminders to people with a confirmed place, a week and a day before the event: a job step
that is safe to run twice (each reminder is claimed by a conditional UPDATE before it is queued,
and queued under an idempotency key)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.i18n import in_language
from panel.members.models import Member, MemberStatus
from surveys.engagement_events.models import (
    EngagementEvent,
    EventInvitation,
    EventStatus,
    InvitationState,
)
from surveys.engagement_events.replies import recipient, reply_url

#: (name, how long before the start, the invitation's column, until how long before the start).
REMINDERS = (
    ("week", timedelta(days=7), "week_reminder_at", timedelta(days=1)),
    ("day", timedelta(days=1), "day_reminder_at", timedelta(0)),
)


def send_event_reminders(session: Session, now: datetime) -> int:
    """Queue the week and day reminders that are due; returns how many were queued."""
    queued = 0
    for name, before, column_name, until in REMINDERS:
        column = getattr(EventInvitation, column_name)
        due = session.scalars(
            sa.select(EventInvitation)
            .join(EngagementEvent, EngagementEvent.id == EventInvitation.event_id)
            .where(
                EngagementEvent.status == EventStatus.OPEN,
                EventInvitation.state == InvitationState.CONFIRMED,
                column.is_(None),
                EngagementEvent.starts_at <= now + before,
                EngagementEvent.starts_at > now + until,
            )
            .order_by(EventInvitation.id)
        ).all()
        for invitation in due:
            claimed = session.execute(
                sa.update(EventInvitation)
                .where(EventInvitation.id == invitation.id, column.is_(None))
                .values({column_name: now})
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                continue
            queued += _queue_reminder(session, invitation, name, now)
    return queued


def _queue_reminder(session: Session, invitation: EventInvitation, name: str, now) -> int:
    if invitation.member_id is not None:
        member = session.get(Member, invitation.member_id)
        if member is None or member.status is not MemberStatus.ACTIVE:
            return 0
    person = recipient(session, invitation)
    if person is None:
        return 0
    event = invitation.event
    with in_language(person.language):
        email = queue_email(
            session,
            to_email=person.email,
            template="event_reminder",
            context={
                "first_name": person.first_name,
                "event": event,
                # "week" or "day": the subject says "next week" or "tomorrow" in their language.
                "reminder": name,
                "joining_link": event.joining_link,
                "cancel_url": reply_url(invitation),
            },
            idempotency_key=f"event-reminder:{name}:{invitation.id}",
            now=now,
            member_id=person.member_id,
        )
    return 0 if email is None else 1
