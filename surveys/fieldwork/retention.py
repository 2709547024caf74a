"""The retention schedule for surveys (panel.audit.retention lists it): answers never sent are
deleted a while after the survey closes, sent answers lose their link to the person later, and
a survey's answers and evidence are deleted years after it closed. Each step is safe to run
twice: a second run finds nothing left to remove."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.retention import months_before, record_retention_run
from panel.i18n import format_day, gettext
from surveys.fieldwork.models import Answer, Invitation, ResponseStatus, SurveyResponse
from surveys.models import ReviewComment, Survey, SurveySnapshot, SurveyStatus


def removed_notice(survey: Survey) -> str | None:
    """What every figure and results view says instead of numbers once the answers were deleted
    (zeros would be wrong without saying so); None while the answers are kept."""
    if survey.responses_removed_at is None:
        return None
    day = survey.responses_removed_at.astimezone(ZoneInfo("Europe/London"))
    return gettext(
        "The answers to this survey were deleted on %(date)s under the retention schedule; "
        "figures are no longer available.",
        date=format_day(day),
    )


def unsent_removed_notice(survey: Survey, now: datetime, days: int) -> str | None:
    """What the fieldwork figures say once unsent answers are past their retention period (the
    started and drop-off counts then cover sent responses only); None before."""
    closed_at = survey.closed_at or survey.closes_at
    if survey.status is not SurveyStatus.CLOSED or closed_at is None:
        return None
    if closed_at >= now - timedelta(days=days):
        return None
    return (
        f"Answers started but never sent are deleted {days} days after a survey closes, under the "
        "retention schedule: the started, completion and drop-off figures now count only the "
        "people who sent their answers."
    )


def _closed_before(cutoff: datetime):
    """Surveys closed before ``cutoff`` (closed early by staff, or at their closing time)."""
    closed_at = sa.func.coalesce(Survey.closed_at, Survey.closes_at)
    return sa.select(Survey.id).where(Survey.status == SurveyStatus.CLOSED, closed_at < cutoff)


def _delete_responses(session: Session, where) -> tuple[int, int]:
    """Delete the responses matching ``where`` and their answers; returns (responses, answers)."""
    ids = sa.select(SurveyResponse.id).where(*where).scalar_subquery()
    answers = session.execute(sa.delete(Answer).where(Answer.response_id.in_(ids))).rowcount
    responses = session.execute(sa.delete(SurveyResponse).where(*where)).rowcount
    return responses or 0, answers or 0


def delete_unsent_responses(session: Session, now: datetime, days: int) -> dict[str, int]:
    """Delete answers started but never sent, ``days`` after their survey closed (they are never
    counted in results); returns how many responses and answers."""
    where = (
        SurveyResponse.status == ResponseStatus.IN_PROGRESS,
        SurveyResponse.survey_id.in_(_closed_before(now - timedelta(days=days))),
    )
    responses, answers = _delete_responses(session, where)
    return {"unsent responses": responses, "their answers": answers}


def cut_response_links(session: Session, now: datetime, months: int) -> dict[str, int]:
    """Cut the link from responses to the invitation (the member) and the resume token,
    ``months`` after their survey closed; the answers stay, so no figure changes."""
    cut = session.execute(
        sa.update(SurveyResponse)
        .where(
            SurveyResponse.survey_id.in_(_closed_before(months_before(now, months))),
            sa.or_(
                SurveyResponse.invitation_id.is_not(None), SurveyResponse.token_hash.is_not(None)
            ),
        )
        .values(invitation_id=None, token_hash=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"responses unlinked from people": cut or 0}


def surveys_due_for_deletion(session: Session, now: datetime, years: int) -> list[int]:
    """Ids of closed surveys whose answers and evidence are due for deletion now."""
    return list(
        session.scalars(
            _closed_before(months_before(now, 12 * years))
            .where(Survey.responses_removed_at.is_(None))
            .order_by(Survey.id)
        )
    )


def delete_survey_records(
    session: Session, now: datetime, years: int
) -> tuple[dict[str, int], list[int]]:
    """Delete the answers, responses, invitations, review comments and snapshots of surveys
    closed ``years`` ago, and mark each survey so that its results say the figures are gone.
    The survey's plan, results page text, quotes and decisions stay. Returns the counts and the
    surveys' ids."""
    counts = dict.fromkeys(
        ("surveys", "responses", "answers", "invitations", "review comments", "snapshots"), 0
    )
    due = surveys_due_for_deletion(session, now, years)
    for survey_id in due:
        responses, answers = _delete_responses(session, (SurveyResponse.survey_id == survey_id,))
        counts["responses"] += responses
        counts["answers"] += answers
        for kind, model in (
            ("invitations", Invitation),
            ("review comments", ReviewComment),
            ("snapshots", SurveySnapshot),
        ):
            counts[kind] += (
                session.execute(sa.delete(model).where(model.survey_id == survey_id)).rowcount or 0
            )
        session.execute(
            sa.update(Survey)
            .where(Survey.id == survey_id)
            .values(responses_removed_at=now)
            .execution_options(synchronize_session=False)
        )
        counts["surveys"] += 1
    return counts, due


def apply_survey_retention(session: Session, now: datetime, config) -> dict[str, int]:
    """Run every survey rule with the configured periods and, if anything was removed, write one
    audit event with the counts of each kind; returns the counts."""
    unsent = delete_unsent_responses(session, now, config["RETENTION_UNSENT_RESPONSE_DAYS"])
    links = cut_response_links(session, now, config["RETENTION_RESPONSE_LINK_MONTHS"])
    records, surveys = delete_survey_records(session, now, config["RETENTION_SURVEY_RECORDS_YEARS"])
    counts = {**unsent, **links, **{f"deleted {k}": n for k, n in records.items()}}
    record_retention_run(session, "surveys", counts, now, "survey", surveys)
    return counts
