"""A member's own surveys: those open to them with how far they have got, those they finished,
and whether what was done with the results has been published. Reads only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.models import Member
from panel.segments.models import ContactKind, MemberContact
from surveys.fieldwork.answering import resume_page
from surveys.fieldwork.answers import answers_of
from surveys.fieldwork.branching import visible_pages
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse
from surveys.fieldwork.respondent import PUBLIC_STATUSES
from surveys.models import ResultsPage, Survey

#: Where else a member may have been offered a survey than an invitation: each is called as
#: f(session, member_id) -> survey ids. The composition root registers the bulletin's (a survey
#: item in a bulletin the member was sent), so that surveys need not know bulletins.
OFFERED_SURVEY_SOURCES: list[Callable[[Session, int], set[int]]] = []


def offered_survey_ids(session: Session, member_id: int) -> set[int]:
    """Surveys offered to the member by every registered source."""
    offered: set[int] = set()
    for source in OFFERED_SURVEY_SOURCES:
        offered |= source(session, member_id)
    return offered


@dataclass(frozen=True)
class OpenSurvey:
    """A survey the member may answer now, not yet sent: not started, or part done."""

    survey: Survey
    started: bool
    #: pages finished and pages that apply to the answers so far (None when not started).
    pages_done: int | None
    pages_total: int
    #: whether "show only if" pages may add or remove pages as the member answers.
    pages_may_change: bool


@dataclass(frozen=True)
class FinishedSurvey:
    """A survey the member sent their answers to."""

    survey: Survey
    finished_at: datetime
    #: still open, so the member may look at and change their answers.
    can_change: bool
    results_published: bool


@dataclass(frozen=True)
class MySurveys:
    """What the member's "My surveys" page shows."""

    open: list[OpenSurvey]
    finished: list[FinishedSurvey]


def my_surveys(session: Session, member: Member, now: datetime) -> MySurveys:
    """The member's surveys: open ones they were invited to (by email or from a bulletin link,
    used or not) and have not sent, and every one they sent answers to, newest first.

    A sent answer is known from the member's contact record (kept even after an anonymous
    survey's answers are cut from the invitation at close), so a closed anonymous survey is
    listed as finished without its answers leading back to the member."""
    finished_at = dict(
        session.execute(
            sa.select(MemberContact.reference_id, sa.func.max(MemberContact.at))
            .where(
                MemberContact.member_id == member.id,
                MemberContact.kind == ContactKind.SURVEY_RESPONSE,
            )
            .group_by(MemberContact.reference_id)
        ).all()
    )
    invited = session.execute(
        sa.select(Survey, SurveyResponse)
        .join(Invitation, Invitation.survey_id == Survey.id)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == Invitation.id)
        .where(Invitation.member_id == member.id, Survey.status.in_(PUBLIC_STATUSES))
    ).all()
    open_surveys = []
    for survey, response in invited:
        if response is not None and response.status is ResponseStatus.SUBMITTED:
            finished_at.setdefault(survey.id, response.submitted_at)
        elif survey.is_open(now) and survey.id not in finished_at:
            open_surveys.append(_open_survey(session, survey, response))
    # Offered elsewhere (a bulletin's survey item) and not opened yet: no invitation exists
    # until the member first uses the link, so these are listed as not started.
    seen = {survey.id for survey, _response in invited} | set(finished_at)
    offered = offered_survey_ids(session, member.id) - seen
    if offered:
        for survey in session.scalars(
            sa.select(Survey).where(Survey.id.in_(offered), Survey.status.in_(PUBLIC_STATUSES))
        ):
            if survey.is_open(now):
                open_surveys.append(_open_survey(session, survey, None))
    open_surveys.sort(key=lambda item: (not item.started, item.survey.closes_at))
    return MySurveys(open_surveys, _finished(session, finished_at, now))


def _open_survey(session: Session, survey: Survey, response: SurveyResponse | None) -> OpenSurvey:
    may_change = any(page.get("show_if") for page in survey.pages)
    if response is None:
        return OpenSurvey(survey, False, None, len(visible_pages(survey, {})), may_change)
    shown = visible_pages(survey, answers_of(session, response))
    carry_on_from = resume_page(session, survey, response)
    done = len([index for index in shown if index < carry_on_from])
    return OpenSurvey(survey, True, done, len(shown), may_change)


def _finished(
    session: Session, finished_at: dict[int, datetime], now: datetime
) -> list[FinishedSurvey]:
    if not finished_at:
        return []
    rows = session.execute(
        sa.select(Survey, ResultsPage.published_at)
        .outerjoin(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(Survey.id.in_(list(finished_at)), Survey.status.in_(PUBLIC_STATUSES))
    ).all()
    finished = [
        FinishedSurvey(survey, finished_at[survey.id], survey.is_open(now), published is not None)
        for survey, published in rows
    ]
    return sorted(finished, key=lambda item: item.finished_at, reverse=True)
