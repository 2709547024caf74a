"""Did we close the loop? Each closed survey's days since closing and whether its results and a
"we did" entry are public; those past the set number of weeks without them are flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from surveys.models import Survey, SurveyStatus
from surveys.results.models import Decision, ResultsPage


@dataclass
class FollowThrough:
    """A closed survey and whether it came back to people: results, decisions, bulletin."""

    survey: Survey
    days_since_close: int
    results_published: bool
    decisions: int
    overdue: bool


def follow_through(
    session: Session, user: StaffUser, now: datetime, weeks: int
) -> list[FollowThrough]:
    """Closed surveys the user may see, oldest closing first (the most overdue at the top)."""
    decisions = (
        sa.select(sa.func.count(Decision.id))
        .where(Decision.survey_id == Survey.id)
        .scalar_subquery()
    )
    query = (
        sa.select(Survey, ResultsPage.published_at, decisions)
        .outerjoin(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(Survey.status == SurveyStatus.CLOSED)
        .order_by(Survey.closed_at, Survey.id)
    )
    rows = []
    for survey, published_at, decided in session.execute(
        scope_to_places(query, user, Survey.place_id)
    ):
        closed_at = survey.closed_at or survey.closes_at or now
        days = max((now - closed_at).days, 0)
        done = published_at is not None and decided > 0
        rows.append(
            FollowThrough(
                survey,
                days,
                published_at is not None,
                decided,
                overdue=not done and days >= weeks * 7,
            )
        )
    return rows
