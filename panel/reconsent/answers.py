"""A member's answer to a re-consent request, from the emailed link or the member area:
confirming records consent to the current wording; declining deletes their equality answers at
once, as withdrawing does."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members import reference
from panel.members.models import ConsentKind, ConsentRecord, Member, MemberStatus
from panel.members.services.member_area import withdraw_equality
from panel.reconsent.models import CampaignStatus, Outcome, ReconsentCampaign, ReconsentRequest


class RequestClosed(ValueError):
    """The request was answered already, or its campaign's deadline has passed."""


def is_open(request: ReconsentRequest, now: datetime) -> bool:
    """Whether the member can still answer: unanswered, campaign under way, deadline ahead."""
    return (
        request.outcome is Outcome.ASKED
        and request.campaign.status is CampaignStatus.SENT
        and request.campaign.deadline > now
        and request.member.status is MemberStatus.ACTIVE
    )


def open_request_for(session: Session, member: Member, now: datetime) -> ReconsentRequest | None:
    """The member's unanswered request in a campaign under way, if any (the member area's
    prompt)."""
    return session.scalars(
        sa.select(ReconsentRequest)
        .join(ReconsentCampaign, ReconsentCampaign.id == ReconsentRequest.campaign_id)
        .where(
            ReconsentRequest.member_id == member.id,
            ReconsentRequest.outcome == Outcome.ASKED,
            ReconsentCampaign.status == CampaignStatus.SENT,
            ReconsentCampaign.deadline > now,
        )
        .order_by(ReconsentRequest.asked_at.desc())
    ).first()


def _close(request: ReconsentRequest, outcome: Outcome, now: datetime, method: str) -> None:
    request.outcome = outcome
    request.answered_at = now
    request.answer_method = method
    request.nonce = secrets.token_hex(16)


def confirm(session: Session, request: ReconsentRequest, now: datetime, method: str) -> None:
    """Record the member's consent to the current privacy notice and, if they hold equality
    answers, to the current equality wording. Raises RequestClosed if it cannot be answered."""
    if not is_open(request, now):
        raise RequestClosed("This request is closed")
    member = request.member
    member.consents.append(
        ConsentRecord(
            kind=ConsentKind.MEMBERSHIP,
            given=True,
            wording_version=reference.MEMBERSHIP_CONSENT_VERSION,
            method=f"re-consent, {method}",
            at=now,
        )
    )
    if member.equality is not None:
        member.consents.append(
            ConsentRecord(
                kind=ConsentKind.SPECIAL_CATEGORY,
                given=True,
                wording_version=reference.SPECIAL_CATEGORY_CONSENT_VERSION,
                method=f"re-consent, {method}",
                at=now,
            )
        )
    _close(request, Outcome.CONFIRMED, now, method)
    session.flush()


def decline(session: Session, request: ReconsentRequest, now: datetime, method: str) -> None:
    """Delete the member's equality answers (and every copy) at once, recording the withdrawal;
    they stay on the panel. Raises RequestClosed if it cannot be answered."""
    if not is_open(request, now):
        raise RequestClosed("This request is closed")
    member = request.member
    if member.equality is not None:
        withdraw_equality(session, member, now, f"re-consent, {method}")
        request.equality_deleted_at = now
    _close(request, Outcome.DECLINED, now, method)
    session.flush()


def renewed_at(session: Session, request: ReconsentRequest) -> datetime | None:
    """When the member gave equality consent to the campaign's wording after being asked (e.g.
    by saving their answers on the equality page), which renews it as confirming does."""
    return session.scalar(
        sa.select(sa.func.min(ConsentRecord.at)).where(
            ConsentRecord.member_id == request.member_id,
            ConsentRecord.kind == ConsentKind.SPECIAL_CATEGORY,
            ConsentRecord.given.is_(True),
            ConsentRecord.wording_version == request.campaign.equality_version,
            ConsentRecord.at >= request.asked_at,
        )
    )
