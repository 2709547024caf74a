"""A member staying on the panel: being seen (signing in, "yes, keep me"), coming back from
inactive, and an address the mail provider can no longer deliver to (issue 26 point 2)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import UNREACHABLE_LISTENERS, SuppressionReason, lift_suppression
from panel.members.models import Member, MemberStatus


def note_seen(member: Member, now: datetime) -> bool:
    """The member showed they are still there (signed in, or answered "are you still
    interested?"): any open question is answered and an inactive member is active again.
    Returns True when they came back from inactive."""
    member.last_seen_at = now
    member.interest_asked_at = None
    member.interest_deadline = None
    if member.status is MemberStatus.INACTIVE:
        member.move_to(MemberStatus.ACTIVE)
        return True
    return False


def mark_unreachable(
    session: Session, address: str, reason: SuppressionReason, now: datetime
) -> None:
    """The provider says ``address`` bounced or complained: mark its member (if any) so the
    member area asks them to update their details, and the health figures count them."""
    session.execute(
        sa.update(Member)
        .where(Member.email == address.strip().lower(), Member.unreachable_at.is_(None))
        .values(unreachable_at=now, unreachable_reason=reason.value)
    )


if mark_unreachable not in UNREACHABLE_LISTENERS:
    UNREACHABLE_LISTENERS.append(mark_unreachable)


class CannotRetry(ValueError):
    """Only an address that bounced may be tried again by its member."""


def try_address_again(session: Session, member: Member) -> None:
    """The signed-in member says their address works now (a full mailbox, a changed spam
    filter): the bounce is lifted and emails go to it again. A complaint is not lifted here:
    the member chooses their emails again on the emails page. Raises CannotRetry."""
    if member.unreachable_reason != SuppressionReason.BOUNCED.value or not member.email:
        raise CannotRetry("Only an address whose emails bounced can be tried again")
    lift_suppression(session, member.email, {SuppressionReason.BOUNCED})
    member.unreachable_at = None
    member.unreachable_reason = None
