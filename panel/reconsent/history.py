"""Each member's re-consent steps (asked, confirmed, declined, expired, answers deleted) with
times and wording versions: in their member area, their data copy and the staff record; and
the erasure step that removes them when the member leaves."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.i18n import N_
from panel.members.models import Member
from panel.members.record_extras import (
    ConsentStep,
    MemberPrompt,
)
from panel.members.services.member_area import erasure_step, member_data_section
from panel.reconsent.answers import open_request_for
from panel.reconsent.models import Outcome, Reason, ReconsentRequest

STEP_LABELS = {
    "asked": "Asked to confirm",
    "reminded": "Reminded",
    Outcome.CONFIRMED: "Confirmed",
    Outcome.DECLINED: "Declined: equality answers deleted",
    Outcome.EXPIRED: "No answer by the deadline",
    "deleted": "Equality answers deleted",
}


def _asked_wording(request: ReconsentRequest) -> str:
    campaign, parts = request.campaign, []
    for reason in request.reason_list:
        if reason is Reason.PRIVACY_NOTICE:
            held = request.privacy_version_held or "none of ours"
            parts.append(f"privacy notice {held} → {campaign.privacy_version}")
        elif reason is Reason.EQUALITY_WORDING:
            held = request.equality_version_held or "none recorded"
            parts.append(f"equality monitoring {held} → {campaign.equality_version}")
        else:
            given = request.equality_consent_at.date().isoformat()
            parts.append(
                f"equality monitoring {request.equality_version_held} given {given}, "
                f"older than {campaign.max_age_days} days"
            )
    return "; ".join(parts)


def steps_of(request: ReconsentRequest) -> list[ConsentStep]:
    """The steps of one request so far, in order."""
    campaign = request.campaign
    steps = [ConsentStep(request.asked_at, STEP_LABELS["asked"], _asked_wording(request), "email")]
    if request.reminded_at is not None:
        steps.append(ConsentStep(request.reminded_at, STEP_LABELS["reminded"], "", "email"))
    if request.outcome is not Outcome.ASKED and request.answered_at is not None:
        wording = (
            f"privacy notice {campaign.privacy_version}; equality monitoring "
            f"{campaign.equality_version}"
        )
        steps.append(
            ConsentStep(
                request.answered_at, STEP_LABELS[request.outcome], wording, request.answer_method
            )
        )
    if request.equality_deleted_at is not None and request.outcome is Outcome.EXPIRED:
        steps.append(
            ConsentStep(
                request.equality_deleted_at,
                STEP_LABELS["deleted"],
                f"equality monitoring {request.equality_version_held}",
                "deadline",
            )
        )
    return steps


def consent_steps(session: Session, member: Member) -> list[ConsentStep]:
    """Every re-consent step of the member, oldest first."""
    requests = session.scalars(
        sa.select(ReconsentRequest)
        .where(ReconsentRequest.member_id == member.id)
        .order_by(ReconsentRequest.asked_at, ReconsentRequest.id)
    )
    return [step for request in requests for step in steps_of(request)]


@member_data_section("reconsent_requests")
def _reconsent_section(session: Session, member: Member):
    return "requests_to_confirm_consent", [
        {
            "at": step.at.isoformat(),
            "step": step.step,
            "wording_versions": step.wording,
            "how": step.how,
        }
        for step in consent_steps(session, member)
    ]


@erasure_step("reconsent_requests")
def _erase_requests(session: Session, member: Member, now: datetime) -> None:
    session.execute(sa.delete(ReconsentRequest).where(ReconsentRequest.member_id == member.id))


def member_prompt(session: Session, member: Member, now: datetime) -> MemberPrompt | None:
    """The member area's "please confirm your consent" while the member has an open request."""
    request = open_request_for(session, member, now)
    if request is None:
        return None
    return MemberPrompt(
        N_("Please confirm your consent"),
        N_(
            "Our privacy notice or the wording of our consent has changed, or you gave it a "
            "while ago: please tell us whether you agree."
        ),
        N_("Read the wording and answer"),
        "reconsent_answers.member_answer",
        request.campaign.last_day,
    )
