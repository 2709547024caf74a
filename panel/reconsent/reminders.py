"""One reminder per campaign to the people who have not answered yet, through the same check
page and second click as the first email."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import RenderedEmail
from panel.auth.models import StaffUser
from panel.members import mail_check
from panel.members.mail_check import MailCheck
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from panel.reconsent.campaigns import TEMPLATE, CampaignError, email_context
from panel.reconsent.links import request_url
from panel.reconsent.models import (
    CampaignStatus,
    Outcome,
    Reason,
    ReconsentCampaign,
    ReconsentRequest,
)


def _unanswered(campaign: ReconsentCampaign):
    """A select() of (request, member) not yet answered, members who can be emailed."""
    return (
        sa.select(ReconsentRequest, Member)
        .join(Member, Member.id == ReconsentRequest.member_id)
        .where(
            ReconsentRequest.campaign_id == campaign.id,
            ReconsentRequest.outcome == Outcome.ASKED,
            Member.status == MemberStatus.ACTIVE,
            Member.unsubscribed_at.is_(None),
            Member.email.is_not(None),
        )
        .order_by(ReconsentRequest.id)
    )


def _check_can_remind(campaign: ReconsentCampaign, now: datetime) -> None:
    if campaign.status is not CampaignStatus.SENT or campaign.deadline <= now:
        raise CampaignError("Only a campaign under way can send a reminder")
    if campaign.reminded_at is not None:
        raise CampaignError("This campaign has sent its reminder already")


def example_reminder(campaign: ReconsentCampaign) -> RenderedEmail:
    """The reminder as it will arrive, for an example person asked about both wordings."""
    context = email_context(campaign, {Reason.PRIVACY_NOTICE, Reason.EQUALITY_WORDING})
    return mail_check.example_email(
        TEMPLATE,
        {**context, "reminder": True, "answer_url": mail_check.example_url("consent")},
    )


def check_reminder(session: Session, campaign: ReconsentCampaign, now: datetime) -> MailCheck:
    """Who the reminder would reach now, by place, and the email. Raises CampaignError unless
    the campaign is under way and has not reminded yet."""
    _check_can_remind(campaign, now)
    rows = [
        (member.id, member.email, member.place_id)
        for _request, member in session.execute(_unanswered(campaign))
    ]
    return mail_check.check_mail(session, rows, example_reminder(campaign), TEMPLATE)


def send_reminder(
    session: Session,
    campaign: ReconsentCampaign,
    user: StaffUser,
    now: datetime,
    expected: str | None,
) -> int:
    """Remind exactly the people the check page counted (the second click); returns how many.
    Raises CampaignError and AudienceChanged as ``check_reminder`` and ``send_campaign`` do."""
    check = check_reminder(session, campaign, now)
    mail_check.require_unchanged(check, expected)
    chosen = set(check.member_ids)
    reminded = 0
    for request, member in session.execute(_unanswered(campaign)).all():
        if member.id not in chosen:
            continue
        queue_member_email(
            session,
            member,
            template=TEMPLATE,
            context={
                "first_name": member.first_name,
                **email_context(campaign, set(request.reason_list)),
                "reminder": True,
                "answer_url": request_url(request),
            },
            idempotency_key=f"reconsent-reminder:{campaign.id}:{member.id}",
            now=now,
        )
        request.reminded_at = now
        reminded += 1
    campaign.reminded_at = now
    session.flush()
    mail_check.audit_confirmation(
        session, user, "reconsent.remind", "reconsent_campaign", campaign.id, reminded, now
    )
    return reminded


def send_test_reminder(
    session: Session, campaign: ReconsentCampaign, user: StaffUser, now: datetime
) -> None:
    """Queue the example reminder to the staff user themselves (audited)."""
    context = email_context(campaign, {Reason.PRIVACY_NOTICE, Reason.EQUALITY_WORDING})
    mail_check.send_test(
        session,
        user,
        template=TEMPLATE,
        context={**context, "reminder": True, "answer_url": mail_check.example_url("consent")},
        action="reconsent.remind_test",
        object_type="reconsent_campaign",
        object_id=campaign.id,
        now=now,
    )
