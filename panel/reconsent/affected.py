"""Who needs to confirm their consent, and why: the privacy notice they agreed to is not the
current one, their equality consent was given to older wording, or it is older than the period.

The current wording versions are the ones in ``panel.members.reference``: changing the wording
there (with a new version name) is what makes members affected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members import reference
from panel.members.models import ConsentKind, ConsentRecord, EqualityProfile, Member, MemberStatus
from panel.reconsent.models import (
    CampaignStatus,
    Outcome,
    Reason,
    ReconsentCampaign,
    ReconsentRequest,
)

#: membership records about emails (unsubscribing, subscribing again) are not the privacy notice.
_EMAIL_CHOICE_PREFIX = "emails-"


@dataclass(frozen=True)
class Wordings:
    """The wording versions a campaign asks about, and its consent-age period."""

    privacy_version: str
    equality_version: str
    max_age_days: int

    @classmethod
    def current(cls, max_age_days: int) -> Wordings:
        return cls(
            reference.MEMBERSHIP_CONSENT_VERSION,
            reference.SPECIAL_CATEGORY_CONSENT_VERSION,
            max_age_days,
        )


@dataclass(frozen=True)
class Affected:
    """One member who should be asked, with what they hold now."""

    member_id: int
    #: None when the member cannot be emailed (no address, or unsubscribed).
    email: str | None
    place_id: int | None
    reasons: tuple[Reason, ...]
    privacy_version_held: str
    equality_version_held: str
    equality_consent_at: datetime | None


def _latest_given(session: Session, kind: ConsentKind, member_ids) -> dict[int, ConsentRecord]:
    """Each member's latest given consent of ``kind`` (email-choice records left out)."""
    records = session.scalars(
        sa.select(ConsentRecord)
        .where(
            ConsentRecord.kind == kind,
            ConsentRecord.given.is_(True),
            ConsentRecord.member_id.in_(member_ids),
            ConsentRecord.wording_version.not_like(f"{_EMAIL_CHOICE_PREFIX}%"),
        )
        .order_by(ConsentRecord.at, ConsentRecord.id)
    )
    return {record.member_id: record for record in records}


def open_request_member_ids():
    """A select() of members with an unanswered request in a campaign already sent."""
    return (
        sa.select(ReconsentRequest.member_id)
        .join(ReconsentCampaign, ReconsentCampaign.id == ReconsentRequest.campaign_id)
        .where(
            ReconsentCampaign.status == CampaignStatus.SENT,
            ReconsentRequest.outcome == Outcome.ASKED,
        )
    )


def affected_members(session: Session, wordings: Wordings, now: datetime) -> list[Affected]:
    """Active members who should confirm, and why, leaving out anyone already asked and not
    yet answered in a campaign under way; ordered by member id."""
    rows = session.execute(
        sa.select(
            Member.id,
            sa.case((Member.unsubscribed_at.is_(None), Member.email), else_=None),
            Member.place_id,
            EqualityProfile.member_id,
        )
        .outerjoin(EqualityProfile, EqualityProfile.member_id == Member.id)
        .where(
            Member.status == MemberStatus.ACTIVE,
            Member.id.not_in(open_request_member_ids()),
        )
        .order_by(Member.id)
    ).all()
    ids = [row[0] for row in rows]
    privacy: dict[int, ConsentRecord] = {}
    equality: dict[int, ConsentRecord] = {}
    # Chunks keep IN lists within every database's limit.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        privacy.update(_latest_given(session, ConsentKind.MEMBERSHIP, chunk))
        equality.update(_latest_given(session, ConsentKind.SPECIAL_CATEGORY, chunk))
    current_privacy = _agreed_to_current(session, wordings.privacy_version)
    oldest = now - timedelta(days=wordings.max_age_days)
    affected = []
    for member_id, email, place_id, has_equality in rows:
        reasons = []
        if member_id not in current_privacy:
            reasons.append(Reason.PRIVACY_NOTICE)
        consent = equality.get(member_id)
        if has_equality is not None:
            if consent is None or consent.wording_version != wordings.equality_version:
                reasons.append(Reason.EQUALITY_WORDING)
            elif consent.at < oldest:
                reasons.append(Reason.EQUALITY_AGE)
        if reasons:
            held = privacy.get(member_id)
            affected.append(
                Affected(
                    member_id,
                    email,
                    place_id,
                    tuple(reasons),
                    held.wording_version if held else "",
                    consent.wording_version if consent and has_equality is not None else "",
                    consent.at if consent and has_equality is not None else None,
                )
            )
    return affected


def _agreed_to_current(session: Session, version: str) -> set[int]:
    return set(
        session.scalars(
            sa.select(ConsentRecord.member_id).where(
                ConsentRecord.kind == ConsentKind.MEMBERSHIP,
                ConsentRecord.given.is_(True),
                ConsentRecord.wording_version == version,
            )
        )
    )
