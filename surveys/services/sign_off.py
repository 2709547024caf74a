"""Who may sign a survey off, and telling them: when a survey is sent for review every eligible
reviewer gets an email (through the mail transport) and sees it on their staff home page."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.auth.access import can_see_place, scope_to_places
from panel.auth.models import Role, StaffUser
from surveys.models import Survey, SurveyStatus

#: the roles that may approve a survey (observers read only).
REVIEWER_ROLES = (Role.COMMS, Role.PLACE)


def is_eligible_reviewer(user: StaffUser, survey: Survey) -> bool:
    """Whether ``user`` may sign ``survey`` off: an enabled comms or place colleague who can see
    the survey's place, and not its author."""
    return (
        user.is_enabled
        and user.role in REVIEWER_ROLES
        and user.id != survey.author_id
        and can_see_place(user, survey.place_id)
    )


def eligible_reviewers(session: Session, survey: Survey) -> list[StaffUser]:
    """Everyone who may sign the survey off, by name."""
    candidates = session.scalars(
        sa.select(StaffUser)
        .where(StaffUser.is_enabled.is_(True), StaffUser.role.in_(REVIEWER_ROLES))
        .order_by(StaffUser.name, StaffUser.id)
    )
    return [user for user in candidates if is_eligible_reviewer(user, survey)]


def notify_reviewers(session: Session, survey: Survey, now: datetime) -> int:
    """Queue "waiting for your sign-off" to each eligible reviewer (the caller commits); returns
    how many were queued. Each sending for review is told once, however often this runs."""
    author = survey.author.name if survey.author else "A colleague"
    queued = 0
    for reviewer in eligible_reviewers(session, survey):
        email = queue_email(
            session,
            to_email=reviewer.email,
            template="survey_review_request",
            context={
                "name": reviewer.name,
                "author": author,
                "title": survey.title,
                "survey_id": survey.id,
            },
            idempotency_key=f"review-request:{survey.id}:{reviewer.id}:{now.isoformat()}",
            now=now,
        )
        queued += email is not None
    return queued


def waiting_for_sign_off(session: Session, user: StaffUser) -> list[Survey]:
    """Surveys in review that ``user`` may sign off, oldest request first."""
    if user.role not in REVIEWER_ROLES or not user.is_enabled:
        return []
    statement = sa.select(Survey).where(
        Survey.status == SurveyStatus.IN_REVIEW,
        sa.or_(Survey.author_id.is_(None), Survey.author_id != user.id),
    )
    statement = scope_to_places(statement, user, Survey.place_id)
    return list(session.scalars(statement.order_by(Survey.updated_at, Survey.id)))
