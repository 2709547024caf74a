"""What fieldwork holds about a member, in their data export and at erasure (answers are kept
only without any link to the person, as the privacy notice says)."""

from __future__ import annotations

import sqlalchemy as sa

from panel.members.services.member_area import (
    equality_withdrawal_step,
    erasure_step,
    member_data_section,
)
from surveys.fieldwork.models import Answer, Invitation, SurveyResponse
from surveys.models import Survey


@member_data_section("survey_invitations", "survey_responses", "survey_answers")
def surveys_section(session, member):
    """The surveys a member was invited to or answered, for their copy of their data."""
    rows = session.execute(
        sa.select(
            Survey.title,
            Invitation.invited_at,
            SurveyResponse.id,
            SurveyResponse.status,
            SurveyResponse.submitted_at,
        )
        .join(Survey, Survey.id == Invitation.survey_id)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == Invitation.id)
        .where(Invitation.member_id == member.id)
        .order_by(Invitation.invited_at)
    ).all()
    answers: dict[int, dict] = {}
    response_ids = [row[2] for row in rows if row[2]]
    for response_id, key, value, other, comment in session.execute(
        sa.select(
            Answer.response_id, Answer.question_key, Answer.value, Answer.other_text, Answer.comment
        ).where(Answer.response_id.in_(response_ids))
    ):
        answers.setdefault(response_id, {})[key] = {
            "answer": value,
            "other": other or None,
            "comment": comment or None,
        }
    return "surveys", [
        {
            "survey": title,
            "invited_at": invited.isoformat(),
            "response": None
            if response_id is None
            else {
                "status": status.value,
                "submitted_at": submitted.isoformat() if submitted else None,
                "answers": answers.get(response_id, {}),
            },
        }
        for title, invited, response_id, status, submitted in rows
    ]


@equality_withdrawal_step
def forget_equality_on_responses(session, member) -> None:
    """Remove the equality answers copied onto the member's responses (consent withdrawn)."""
    # Copied when each response was sent, so results by sex or ethnicity could be shown; the
    # consent they rested on is gone, so the copies go too (the answers themselves stay).
    invitation_ids = sa.select(Invitation.id).where(Invitation.member_id == member.id)
    session.execute(
        sa.update(SurveyResponse)
        .where(SurveyResponse.invitation_id.in_(invitation_ids))
        .values(equality={})
    )


@erasure_step("survey_invitations")
def erase_survey_links(session, member, now) -> None:
    """Unlink the member from their invitations and responses (the answers stay, anonymous)."""
    # Answers stay, for the results, but nothing leads from them to the person any more.
    invitation_ids = sa.select(Invitation.id).where(Invitation.member_id == member.id)
    session.execute(
        sa.update(SurveyResponse)
        .where(SurveyResponse.invitation_id.in_(invitation_ids))
        .values(invitation_id=None)
    )
    session.execute(
        sa.update(Invitation).where(Invitation.member_id == member.id).values(member_id=None)
    )
