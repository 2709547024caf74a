"""The deadline: each unanswered request expires, and equality answers whose consent was due
for renewal and was not renewed are deleted, each deletion audited. The campaign page shows the
same count before it happens (``due_for_deletion``); running the job twice changes nothing more.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.members.models import ConsentKind, ConsentRecord, EqualityProfile, Member
from panel.members.services.member_area import withdraw_equality
from panel.reconsent.answers import renewed_at
from panel.reconsent.models import (
    CampaignStatus,
    Outcome,
    ReconsentCampaign,
    ReconsentRequest,
)

DEADLINE_METHOD = "deadline"


def _renewed():
    """Correlated EXISTS: the request's member renewed their equality consent after being asked."""
    return (
        sa.select(ConsentRecord.id)
        .where(
            ConsentRecord.member_id == ReconsentRequest.member_id,
            ConsentRecord.kind == ConsentKind.SPECIAL_CATEGORY,
            ConsentRecord.given.is_(True),
            ConsentRecord.wording_version == ReconsentCampaign.equality_version,
            ConsentRecord.at >= ReconsentRequest.asked_at,
        )
        .exists()
    )


def _due_for_deletion(campaign_id: int):
    """A select() of (member id, place id) whose equality answers the deadline would delete:
    unanswered, asked about their equality consent, answers still held, not renewed since."""
    return (
        sa.select(ReconsentRequest.member_id, Member.place_id)
        .join(ReconsentCampaign, ReconsentCampaign.id == ReconsentRequest.campaign_id)
        .join(Member, Member.id == ReconsentRequest.member_id)
        .join(EqualityProfile, EqualityProfile.member_id == Member.id)
        .where(
            ReconsentRequest.campaign_id == campaign_id,
            ReconsentRequest.outcome == Outcome.ASKED,
            ReconsentRequest.reasons.like("%equality%"),
            ~_renewed(),
        )
    )


def due_for_deletion(session: Session, campaign: ReconsentCampaign) -> dict[int | None, int]:
    """How many members' equality answers the deadline would delete if nothing changes, by
    place id (shown on the campaign page before it runs)."""
    rows = session.execute(
        _due_for_deletion(campaign.id)
        .with_only_columns(Member.place_id, sa.func.count())
        .group_by(Member.place_id)
    ).all()
    return {place_id: count for place_id, count in rows}


def expire_campaign(session: Session, campaign: ReconsentCampaign, now: datetime) -> int:
    """Close a campaign whose deadline has passed: renewed requests count as confirmed, the rest
    expire, and due equality answers are deleted (audited each). Returns how many deletions."""
    doomed = {member_id for member_id, _place in session.execute(_due_for_deletion(campaign.id))}
    deleted = 0
    pending = session.scalars(
        sa.select(ReconsentRequest)
        .where(
            ReconsentRequest.campaign_id == campaign.id,
            ReconsentRequest.outcome == Outcome.ASKED,
        )
        .order_by(ReconsentRequest.id)
    ).all()
    for request in pending:
        renewed = renewed_at(session, request)
        if renewed is not None:
            request.outcome, request.answered_at = Outcome.CONFIRMED, renewed
            request.answer_method = "equality page"
            continue
        request.outcome, request.answered_at = Outcome.EXPIRED, now
        request.answer_method = DEADLINE_METHOD
        if request.member_id in doomed:
            withdraw_equality(session, request.member, now, "re-consent deadline")
            request.equality_deleted_at = now
            record_audit(
                session,
                None,
                "reconsent.equality_deleted",
                "member",
                [request.member_id],
                f"equality consent not renewed by the deadline of re-consent campaign "
                f"{campaign.id}",
                now=now,
            )
            deleted += 1
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = now
    session.flush()
    return deleted


def expire_reconsent_job(session: Session, now: datetime) -> None:
    """The scheduler's job: close every sent campaign whose deadline has passed."""
    due = session.scalars(
        sa.select(ReconsentCampaign)
        .where(
            ReconsentCampaign.status == CampaignStatus.SENT,
            ReconsentCampaign.deadline <= now,
        )
        .order_by(ReconsentCampaign.id)
    ).all()
    for campaign in due:
        expire_campaign(session, campaign, now)
