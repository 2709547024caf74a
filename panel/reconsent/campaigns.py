"""Planning and sending a re-consent campaign: who is affected and why, by place, the email as
it will arrive, and the second click that asks exactly the people the page counted."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import RenderedEmail
from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.local_time import resolve_local_time
from panel.members import mail_check
from panel.members.mail_check import MailCheck
from panel.members.models import Member
from panel.members.services.links import queue_member_email
from panel.reconsent.affected import Wordings, affected_members
from panel.reconsent.links import request_url
from panel.reconsent.models import CampaignStatus, Reason, ReconsentCampaign, ReconsentRequest

TEMPLATE = "reconsent_request"
#: the shortest notice before answers may be deleted, and the longest a campaign may run.
MIN_NOTICE_DAYS = 14
MAX_NOTICE_DAYS = 365


class CampaignError(ValueError):
    """The campaign cannot do that in its state (e.g. sending one already sent)."""


def plan_campaign(
    session: Session, user: StaffUser, deadline_day: date | None, zone: str, now: datetime
) -> ReconsentCampaign:
    """A draft campaign with today's wording versions and the configured consent-age period,
    answering by the end of ``deadline_day`` (local). Raises FieldError("deadline") unless the
    day is between MIN_NOTICE_DAYS and MAX_NOTICE_DAYS away."""
    if deadline_day is None:
        raise FieldError("Enter the last day members can answer", "deadline")
    # Dates far from today are refused before any arithmetic (9999-12-31 has no next day).
    if not now.date() <= deadline_day <= (now + timedelta(days=MAX_NOTICE_DAYS)).date():
        raise FieldError("Choose a day from 14 days to a year from today", "deadline")
    deadline = resolve_local_time(deadline_day + timedelta(days=1), time(0, 0), zone)
    if deadline < now + timedelta(days=MIN_NOTICE_DAYS):
        raise FieldError(
            f"Give members at least {MIN_NOTICE_DAYS} days to answer: choose a later day",
            "deadline",
        )
    if deadline > now + timedelta(days=MAX_NOTICE_DAYS):
        raise FieldError("Choose a day within a year from today", "deadline")
    wordings = Wordings.current(current_app.config["RECONSENT_MAX_AGE_DAYS"])
    campaign = ReconsentCampaign(
        deadline=deadline,
        privacy_version=wordings.privacy_version,
        equality_version=wordings.equality_version,
        max_age_days=wordings.max_age_days,
        created_at=now,
        created_by_id=user.id,
    )
    session.add(campaign)
    session.flush()
    record_audit(
        session,
        user,
        "reconsent.plan",
        "reconsent_campaign",
        [campaign.id],
        f"last day {deadline_day.isoformat()}",
        now=now,
    )
    return campaign


def wordings_of(campaign: ReconsentCampaign) -> Wordings:
    """The wording versions and period the campaign asks about."""
    return Wordings(campaign.privacy_version, campaign.equality_version, campaign.max_age_days)


def email_context(campaign: ReconsentCampaign, reasons: set[Reason]) -> dict:
    """What the email says for someone asked for ``reasons``."""
    return {
        "last_day": campaign.last_day,
        "privacy_changed": Reason.PRIVACY_NOTICE in reasons,
        "equality_asked": bool(reasons & {Reason.EQUALITY_WORDING, Reason.EQUALITY_AGE}),
        "privacy_url": f"{current_app.config['PUBLIC_BASE_URL']}/privacy",
    }


def example_email(campaign: ReconsentCampaign) -> RenderedEmail:
    """The email as it will arrive, for an example person asked about both wordings."""
    context = email_context(campaign, {Reason.PRIVACY_NOTICE, Reason.EQUALITY_WORDING})
    return mail_check.example_email(
        TEMPLATE, {**context, "answer_url": mail_check.example_url("consent")}
    )


@dataclass(frozen=True)
class CampaignCheck:
    """The check page's figures: the mail check, and why the people it counts are affected."""

    mail: MailCheck
    #: (reason, people among those emailed), in Reason order.
    reasons: list[tuple[Reason, int]]
    #: (held version, people) among those asked about the privacy notice / equality wording.
    privacy_held: list[tuple[str, int]]
    equality_held: list[tuple[str, int]]
    #: affected but not emailable (unsubscribed, on the do-not-email list, no address).
    not_emailable: int


def _chosen(session: Session, campaign: ReconsentCampaign, now: datetime):
    affected = affected_members(session, wordings_of(campaign), now)
    rows = [(a.member_id, a.email, a.place_id) for a in affected]
    check = mail_check.check_mail(session, rows, example_email(campaign), TEMPLATE)
    chosen = set(check.member_ids)
    return check, [a for a in affected if a.member_id in chosen], len(affected)


def check_campaign(session: Session, campaign: ReconsentCampaign, now: datetime) -> CampaignCheck:
    """Who the campaign would ask now (emailable affected members), why, and the email."""
    check, chosen, total = _chosen(session, campaign, now)
    by_reason = Counter(reason for a in chosen for reason in a.reasons)
    privacy = Counter(
        a.privacy_version_held or "none of ours"
        for a in chosen
        if Reason.PRIVACY_NOTICE in a.reasons
    )
    equality = Counter(
        a.equality_version_held or "none recorded"
        for a in chosen
        if Reason.EQUALITY_WORDING in a.reasons
    )
    return CampaignCheck(
        mail=check,
        reasons=[(reason, by_reason[reason]) for reason in Reason if by_reason[reason]],
        privacy_held=sorted(privacy.items(), key=lambda item: (-item[1], item[0])),
        equality_held=sorted(equality.items(), key=lambda item: (-item[1], item[0])),
        not_emailable=total - len(chosen),
    )


def send_test(session: Session, campaign: ReconsentCampaign, user: StaffUser, now: datetime):
    """Queue the example email to the staff user themselves (audited)."""
    context = email_context(campaign, {Reason.PRIVACY_NOTICE, Reason.EQUALITY_WORDING})
    mail_check.send_test(
        session,
        user,
        template=TEMPLATE,
        context={**context, "answer_url": mail_check.example_url("consent")},
        action="reconsent.test",
        object_type="reconsent_campaign",
        object_id=campaign.id,
        now=now,
    )


def send_campaign(
    session: Session,
    campaign: ReconsentCampaign,
    user: StaffUser,
    now: datetime,
    expected: str | None,
) -> int:
    """Ask exactly the people the check page counted (the second click): a request each and
    its email; returns how many. Raises CampaignError unless the campaign is a draft whose
    deadline is still MIN_NOTICE_DAYS away, and AudienceChanged (nothing sent) if the people
    differ from those the page showed (``expected``: its fingerprint)."""
    if campaign.status is not CampaignStatus.DRAFT:
        raise CampaignError("This campaign has been sent already")
    if campaign.deadline < now + timedelta(days=MIN_NOTICE_DAYS):
        raise CampaignError(
            f"The deadline is less than {MIN_NOTICE_DAYS} days away: plan a new campaign"
        )
    check, chosen, _total = _chosen(session, campaign, now)
    mail_check.require_unchanged(check, expected)
    members = {
        m.id: m
        for m in session.scalars(
            sa.select(Member).where(Member.id.in_([a.member_id for a in chosen]))
        )
    }
    asked = 0
    for affected in chosen:
        member = members[affected.member_id]
        request = ReconsentRequest(
            campaign_id=campaign.id,
            member_id=member.id,
            reasons=",".join(affected.reasons),
            privacy_version_held=affected.privacy_version_held,
            equality_version_held=affected.equality_version_held,
            equality_consent_at=affected.equality_consent_at,
            nonce=secrets.token_hex(16),
            asked_at=now,
        )
        session.add(request)
        session.flush()
        queue_member_email(
            session,
            member,
            template=TEMPLATE,
            context={
                "first_name": member.first_name,
                **email_context(campaign, set(affected.reasons)),
                "answer_url": request_url(request),
            },
            idempotency_key=f"reconsent:{campaign.id}:{member.id}",
            now=now,
        )
        asked += 1
    campaign.status = CampaignStatus.SENT
    campaign.sent_at = now
    campaign.sent_by_id = user.id
    session.flush()
    mail_check.audit_confirmation(
        session, user, "reconsent.send", "reconsent_campaign", campaign.id, asked, now
    )
    return asked


def affected_now(session: Session, wordings: Wordings, now: datetime) -> list[tuple[Reason, int]]:
    """How many active members each reason applies to now (not yet asked)."""
    counts = Counter(r for a in affected_members(session, wordings, now) for r in a.reasons)
    return [(reason, counts[reason]) for reason in Reason]


def all_campaigns(session: Session) -> list[ReconsentCampaign]:
    """Every campaign, newest first."""
    return list(session.scalars(sa.select(ReconsentCampaign).order_by(ReconsentCampaign.id.desc())))
