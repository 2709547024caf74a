"""What the events hold about a member: their invitations, replies and any access or dietary
needs, in their copy of their data; at erasure a held place is freed for the waiting list (and
offered at once, as when they cancel), then their invitations are deleted."""

from __future__ import annotations

import sqlalchemy as sa

from panel.members.services.member_area import erasure_step, member_data_section
from surveys.engagement_events.attendance_models import EventAttendance
from surveys.engagement_events.models import (
    EngagementEvent,
    EventInvitation,
    EventStatus,
    InvitationState,
)
from surveys.engagement_events.payment_models import ClaimStatus, PaymentClaim
from surveys.engagement_events.places import decline_invitation
from surveys.engagement_events.replies import tell_place


@member_data_section("event_invitations")
def event_invitations_section(session, member):
    """The events the member was invited to, where they stand, and the needs they gave."""
    rows = session.execute(
        sa.select(EngagementEvent.title, EngagementEvent.starts_at, EventInvitation)
        .join(EngagementEvent, EngagementEvent.id == EventInvitation.event_id)
        .where(EventInvitation.member_id == member.id)
        .order_by(EngagementEvent.starts_at)
    ).all()
    return "events_you_were_invited_to", [
        {
            "event": title,
            "starts_at": starts_at.isoformat(),
            "where_you_stand": invitation.state.value,
            "replied_at": invitation.replied_at.isoformat() if invitation.replied_at else None,
            "access_needs": invitation.access_needs,
            "dietary_needs": invitation.dietary_needs,
        }
        for title, starts_at, invitation in rows
    ]


@member_data_section("event_attendances")
def event_attendances_section(session, member):
    """The events the member was marked as attending or absent from, and how it was recorded."""
    rows = session.execute(
        sa.select(EngagementEvent.title, EngagementEvent.starts_at, EventAttendance)
        .join(EngagementEvent, EngagementEvent.id == EventAttendance.event_id)
        .where(EventAttendance.member_id == member.id)
        .order_by(EngagementEvent.starts_at)
    ).all()
    return "events_you_attended", [
        {
            "event": title,
            "starts_at": starts_at.isoformat(),
            "attended": row.attended,
            "recorded_by": row.checked_in_by.label,
            "recorded_at": row.recorded_at.isoformat(),
            "name_given_at_the_door": row.walk_in_name,
        }
        for title, starts_at, row in rows
    ]


@erasure_step("event_attendances")
def erase_event_attendances(session, member, now) -> None:
    """Delete the member's attendance at events (and any name they gave at the door)."""
    session.execute(sa.delete(EventAttendance).where(EventAttendance.member_id == member.id))


@erasure_step("event_invitations")
def erase_event_invitations(session, member, now) -> None:
    """Free any place the member holds (the next on the waiting list is offered it), then delete
    their invitations, replies and needs."""
    held = session.scalars(
        sa.select(EventInvitation)
        .join(EngagementEvent, EngagementEvent.id == EventInvitation.event_id)
        .where(
            EventInvitation.member_id == member.id,
            EventInvitation.state.in_([InvitationState.CONFIRMED, InvitationState.WAITING]),
            EngagementEvent.status != EventStatus.CANCELLED,
        )
    ).all()
    for invitation in held:
        decline_invitation(session, invitation, now, on_offer=tell_place)
    session.execute(sa.delete(EventInvitation).where(EventInvitation.member_id == member.id))


@member_data_section("payment_claims")
def payment_claims_section(session, member):
    """The member's involvement payment claims: what they chose, the sums, and where each
    claim stands (no bank details are kept here)."""
    rows = session.execute(
        sa.select(EngagementEvent.title, EngagementEvent.starts_at, PaymentClaim)
        .join(EngagementEvent, EngagementEvent.id == PaymentClaim.event_id)
        .where(PaymentClaim.member_id == member.id)
        .order_by(EngagementEvent.starts_at)
    ).all()
    return "involvement_payments", [
        {
            "event": title,
            "starts_at": starts_at.isoformat(),
            "choice": claim.choice.value,
            "involvement_payment_pence": claim.involvement_pence,
            "expenses_pence": claim.expenses_pence,
            "benefits_advice_offered": claim.benefits_advice_offered,
            "status": claim.status.value,
        }
        for title, starts_at, claim in rows
    ]


@erasure_step("payment_claims")
def erase_payment_claims(session, member, now) -> None:
    """Delete claims not yet approved; an approved claim is a payment record finance keeps, so
    it stays without the member's link (its sums and cost centre only)."""
    session.execute(
        sa.delete(PaymentClaim).where(
            PaymentClaim.member_id == member.id, PaymentClaim.status != ClaimStatus.APPROVED
        )
    )
    session.execute(
        sa.update(PaymentClaim).where(PaymentClaim.member_id == member.id).values(member_id=None)
    )
