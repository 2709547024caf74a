"""Demo re-consent: a campaign sent three days ago to a few members (two confirmed, one
declined, the rest not yet answered) and one planned but not sent."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.members.models import EqualityProfile, Member, MemberStatus
from panel.reconsent import answers
from panel.reconsent.affected import Wordings
from panel.reconsent.models import CampaignStatus, Reason, ReconsentCampaign, ReconsentRequest


def _campaign(wordings: Wordings, created: datetime, deadline: datetime) -> ReconsentCampaign:
    return ReconsentCampaign(
        deadline=deadline,
        privacy_version=wordings.privacy_version,
        equality_version=wordings.equality_version,
        max_age_days=wordings.max_age_days,
        created_at=created,
    )


def create_demo_reconsent(session: Session, now: datetime) -> int:
    """Once only; returns how many members the sent campaign asked."""
    if session.scalar(sa.select(ReconsentCampaign.id).limit(1)) is not None:
        return 0
    wordings = Wordings.current(current_app.config["RECONSENT_MAX_AGE_DAYS"])
    sent_at = now - timedelta(days=3)
    sent = _campaign(wordings, sent_at, now + timedelta(days=25))
    sent.status, sent.sent_at = CampaignStatus.SENT, sent_at
    session.add(sent)
    session.add(_campaign(wordings, now, now + timedelta(days=31)))
    session.flush()
    asked = session.scalars(
        sa.select(Member)
        .join(EqualityProfile, EqualityProfile.member_id == Member.id)
        .where(Member.status == MemberStatus.ACTIVE)
        .order_by(Member.id)
        .limit(6)
    ).all()
    requests = []
    for member in asked:
        latest = next((c for c in reversed(member.consents) if c.given), None)
        request = ReconsentRequest(
            campaign_id=sent.id,
            member_id=member.id,
            reasons=Reason.PRIVACY_NOTICE.value,
            equality_version_held=latest.wording_version if latest else "",
            nonce=secrets.token_hex(16),
            asked_at=sent_at,
        )
        session.add(request)
        requests.append(request)
    session.flush()
    steps = (answers.confirm, answers.confirm, answers.decline)
    for request, answer in zip(requests[: len(steps)], steps, strict=True):
        answer(session, request, sent_at + timedelta(days=1), "email link")
    return len(requests)
