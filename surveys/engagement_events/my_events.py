"""What the member area shows of a member's events: each invitation, where they stand, the
link to reply or give up their place, and the check-in code for a confirmed place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.i18n import N_
from panel.members.models import Member
from surveys.engagement_events.attendance import check_in_code
from surveys.engagement_events.attendance_models import EventAttendance
from surveys.engagement_events.models import (
    EngagementEvent,
    EventInvitation,
    EventStatus,
    InvitationState,
)
from surveys.engagement_events.replies import reply_url

#: what the member is told about where they stand.
STANDING = {
    InvitationState.INVITED: N_("Invited: please reply"),
    InvitationState.CONFIRMED: N_("Place confirmed"),
    InvitationState.WAITING: N_("On the waiting list"),
    InvitationState.DECLINED: N_("You said you cannot come"),
    InvitationState.CANCELLED: N_("You gave up your place"),
}


@dataclass(frozen=True)
class MyEvent:
    """One invitation as the member sees it."""

    event: EngagementEvent
    standing: str
    #: the reply or booking page ("" when there is nothing left to do there).
    link: str
    link_text: str
    #: the check-in QR code as a data URI ("" unless a confirmed place at an in-person event).
    check_in: str
    attended: bool | None


def _link(invitation: EventInvitation, now: datetime) -> tuple[str, str]:
    event = invitation.event
    if event.status is not EventStatus.OPEN or now > event.ends_at:
        return "", ""
    if invitation.state is InvitationState.INVITED and event.replies_open(now):
        return reply_url(invitation), N_("Reply to this invitation")
    if invitation.state is InvitationState.CONFIRMED:
        return reply_url(invitation), N_("Your booking (give up your place if you cannot come)")
    if invitation.state is InvitationState.WAITING:
        return reply_url(invitation), N_("Leave the waiting list")
    return "", ""


def my_events(session: Session, member: Member, now: datetime, draw) -> tuple[list, list]:
    """(upcoming, past) invitations of the member, soonest first then most recent first;
    reserves not yet invited are left out. ``draw`` makes the QR code's data URI."""
    invitations = session.scalars(
        sa.select(EventInvitation)
        .options(selectinload(EventInvitation.event))
        .join(EngagementEvent, EngagementEvent.id == EventInvitation.event_id)
        .where(
            EventInvitation.member_id == member.id,
            EventInvitation.state != InvitationState.RESERVE,
        )
        .order_by(EngagementEvent.starts_at, EngagementEvent.id)
    ).all()
    marks = dict(
        session.execute(
            sa.select(EventAttendance.invitation_id, EventAttendance.attended).where(
                EventAttendance.member_id == member.id
            )
        ).all()
    )
    upcoming, past = [], []
    for invitation in invitations:
        event = invitation.event
        standing = STANDING.get(invitation.state, "")
        if event.status is EventStatus.CANCELLED:
            standing = N_("This event was cancelled")
        link, text = _link(invitation, now)
        row = MyEvent(
            event,
            standing,
            link,
            text,
            check_in_code(invitation, now, draw),
            marks.get(invitation.id),
        )
        (past if event.ends_at < now else upcoming).append(row)
    return upcoming, past[::-1]
