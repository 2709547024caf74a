"""Whose results a staff member may read, and over which respondents: a place team reads its own
places' surveys in full, and an ICB-wide survey's results limited to respondents of its places."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import can_see_place
from panel.auth.models import Role, StaffUser
from surveys.models import Survey, SurveyStatus

#: surveys with results to read: answers come in while live and are final once closed.
WITH_RESULTS = (SurveyStatus.LIVE, SurveyStatus.CLOSED)


def may_read_results(survey: Survey, user: StaffUser) -> bool:
    """Whether the user may read the survey's figures (limited by ``places_limit``)."""
    if can_see_place(user, survey.place_id):
        return True
    return is_limited_to_places(survey, user) and survey.status in WITH_RESULTS


def is_limited_to_places(survey: Survey, user: StaffUser) -> bool:
    """True when the user reads this survey's figures for their own places only: a place team
    and an ICB-wide survey."""
    return user.role is Role.PLACE and survey.place_id is None


def places_limit(survey: Survey, user: StaffUser) -> tuple[int, ...] | None:
    """The places whose respondents the user's figures of this survey cover; None: all."""
    if is_limited_to_places(survey, user):
        return tuple(sorted(user.place_ids))
    return None


def icb_wide_surveys_with_results(session: Session, user: StaffUser) -> list[Survey]:
    """For a place team, the ICB-wide surveys whose results it may read for its places (newest
    first); nobody else needs the list, as they see these surveys already."""
    if user.role is not Role.PLACE:
        return []
    return list(
        session.scalars(
            sa.select(Survey)
            .where(Survey.place_id.is_(None), Survey.status.in_(WITH_RESULTS))
            .order_by(Survey.opens_at.desc(), Survey.id.desc())
        )
    )
