"""Review and sign-off: draft -> in review -> approved -> live -> closed. Approval is by someone
other than the author; publishing needs every guidance error fixed or overridden with a written
reason, and keeps the exact published survey as an immutable snapshot with its SHA-256."""

from __future__ import annotations

import difflib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import Role, StaffUser
from panel.domain_events import EventType, emit
from panel.field_errors import FieldError
from surveys import content as doc
from surveys import validation
from surveys.models import (
    GuidanceOverride,
    IllegalTransition,
    ReviewComment,
    Survey,
    SurveySnapshot,
    SurveyStatus,
)
from surveys.services import checking, sign_off
from surveys.services.documents import canonical_text, export_document, sha256_of

MAX_COMMENT = 2000
#: a typo correction keeps at least this much of the wording (difflib ratio).
TYPO_SIMILARITY = 0.85


class LifecycleError(FieldError):
    """The step is not allowed now; the message says why (``field`` for form errors)."""


def _move(survey: Survey, status: SurveyStatus) -> None:
    try:
        survey.move_to(status)
    except IllegalTransition as error:
        raise LifecycleError(str(error)) from error


def submit_for_review(session: Session, survey: Survey, user: StaffUser, now: datetime) -> None:
    """Send a draft for review and tell each eligible reviewer (email and staff home); raises
    LifecycleError without questions or if not allowed."""
    if not doc.questions(survey.content or {}):
        raise LifecycleError("Add at least one question before asking for a review")
    _move(survey, SurveyStatus.IN_REVIEW)
    survey.updated_at = now
    record_audit(session, user, "survey.submit", "survey", [survey.id], now=now)
    sign_off.notify_reviewers(session, survey, now)


def return_to_draft(session: Session, survey: Survey, user: StaffUser, now: datetime) -> None:
    """Send a survey in review back to draft (audited)."""
    _move(survey, SurveyStatus.DRAFT)
    survey.updated_at = now
    record_audit(session, user, "survey.return_to_draft", "survey", [survey.id], now=now)


def approve(session: Session, survey: Survey, user: StaffUser, now: datetime) -> None:
    """The second person's sense check. Raises LifecycleError for the author or an observer."""
    if user.role is Role.OBSERVER:
        raise LifecycleError("Observers cannot approve surveys")
    if survey.author_id == user.id:
        raise LifecycleError("Someone other than the author must approve the survey")
    _move(survey, SurveyStatus.APPROVED)
    survey.approved_by_id = user.id
    survey.approved_at = now
    record_audit(session, user, "survey.approve", "survey", [survey.id], now=now)


def record_override(
    session: Session,
    survey: Survey,
    user: StaffUser,
    rule: str,
    question_key: str,
    reason: str,
    now: datetime,
) -> GuidanceOverride:
    """Accept one of the checker's errors with a written reason (recorded and audited)."""
    reason = reason.strip()
    if len(reason) < 10:
        raise LifecycleError("Explain in a sentence why this is needed", "reason")
    if len(reason) > 1000:
        raise LifecycleError("Keep the reason under 1,000 characters", "reason")
    report = checking.check(session, survey)
    match = [
        f
        for f in report.all
        if f.finding.rule == rule and (f.finding.question_key or "") == question_key
    ]
    if not match or not match[0].overridable:
        raise LifecycleError("That finding cannot be overridden, or is no longer there")
    override = match[0].override or GuidanceOverride(
        survey_id=survey.id, rule=rule, question_key=question_key
    )
    override.reason, override.by_id, override.at = reason, user.id, now
    session.add(override)
    record_audit(
        session, user, "survey.override", "survey", [survey.id], f"{rule} {question_key}", now=now
    )
    return override


def _snapshot(session: Session, survey: Survey, user: StaffUser, note: str, now: datetime):
    text = canonical_text(export_document(survey))
    version = (
        session.scalar(
            sa.select(sa.func.max(SurveySnapshot.version)).where(
                SurveySnapshot.survey_id == survey.id
            )
        )
        or 0
    ) + 1
    snapshot = SurveySnapshot(
        survey_id=survey.id,
        version=version,
        document=text,
        sha256=sha256_of(text),
        note=note,
        by_id=user.id,
        at=now,
    )
    session.add(snapshot)
    return snapshot


def publish(session: Session, survey: Survey, user: StaffUser, now: datetime) -> SurveySnapshot:
    """Make an approved survey live and keep its snapshot. Raises LifecycleError while any
    guidance error is neither fixed nor overridden, or without opening and closing dates."""
    if survey.status is not SurveyStatus.APPROVED:
        raise LifecycleError("Only an approved survey can be published")
    if survey.opens_at is None or survey.closes_at is None:
        raise LifecycleError("Set the opening and closing dates in the plan first")
    blocking = checking.check(session, survey).blocking
    if blocking:
        raise LifecycleError(
            f"{len(blocking)} guidance error{'s' if len(blocking) != 1 else ''} must be fixed "
            "or overridden with a reason first"
        )
    _move(survey, SurveyStatus.LIVE)
    survey.published_at = now
    snapshot = _snapshot(session, survey, user, "published", now)
    record_audit(session, user, "survey.publish", "survey", [survey.id], snapshot.sha256, now=now)
    emit(session, EventType.SURVEY_PUBLISHED, survey.id, survey.place_id, now)
    return snapshot


def correct_typo(
    session: Session,
    survey: Survey,
    user: StaffUser,
    key: str,
    text: str,
    options: list[str],
    note: str,
    now: datetime,
) -> SurveySnapshot:
    """Fix spelling in a live question without changing its meaning: the same number of options
    and each wording mostly the same. Recorded as a new snapshot. Raises LifecycleError."""
    if survey.status is not SurveyStatus.LIVE:
        raise LifecycleError("Typo corrections are for live surveys; edit a draft directly")
    if len(note.strip()) < 5:
        raise LifecycleError("Say what the correction is", "note")
    try:
        page, index = doc.find(survey.content, key)
    except doc.ContentError as error:
        raise LifecycleError(str(error)) from error
    current = survey.content["pages"][page]["questions"][index]
    options = [o.strip() for o in options if o.strip()]
    if len(options) != len(current["options"]):
        raise LifecycleError("A correction cannot add or remove answers", "options")
    pairs = [(current["text"], text.strip()), *zip(current["options"], options, strict=True)]
    for before, after in pairs:
        if not after or difflib.SequenceMatcher(None, before, after).ratio() < TYPO_SIMILARITY:
            raise LifecycleError(
                f"“{after or '(empty)'}” changes more than a typo: the question is live", "text"
            )
    renames = dict(zip(current["options"], options, strict=True))
    # Conditions on this question's answers follow the corrected wording, or they would
    # silently never be met again.
    changed = doc.rename_answers(survey.content, key, renames)
    changed["pages"][page]["questions"][index] = {
        **current,
        "text": text.strip(),
        "options": options,
    }
    # The same rules as every other change (a correction must not make two answers the same).
    for problem in validation.content_problems(changed):
        own = problem.question_key == key and problem.field in ("text", "options")
        raise LifecycleError(
            problem.message if own else f"{problem.label}: {problem.message}",
            problem.field if own else "text",
        )
    survey.content = changed
    snapshot = _snapshot(session, survey, user, f"typo corrected in {key}: {note.strip()}", now)
    record_audit(session, user, "survey.correct_typo", "survey", [survey.id], key, now=now)
    return snapshot


def close(session: Session, survey: Survey, user: StaffUser | None, now: datetime) -> None:
    """Close a live survey (audited)."""
    _move(survey, SurveyStatus.CLOSED)
    survey.closed_at = now
    record_audit(session, user, "survey.close", "survey", [survey.id], now=now)
    emit(session, EventType.SURVEY_CLOSED, survey.id, survey.place_id, now)


def add_comment(
    session: Session,
    survey: Survey,
    user: StaffUser,
    body: str,
    question_key: str,
    reply_to_id: int | None,
    now: datetime,
) -> ReviewComment:
    """A reviewer's comment on a question, or an answer to one. Raises LifecycleError."""
    body = body.strip()
    if not body:
        raise LifecycleError("Write a comment", "body")
    if len(body) > MAX_COMMENT:
        raise LifecycleError(f"Keep comments under {MAX_COMMENT:,} characters", "body")
    keys = {q["key"] for q in doc.questions(survey.content or {})}
    if question_key and question_key not in keys:
        raise LifecycleError("That question is no longer in the survey", "question_key")
    if reply_to_id is not None:
        parent = session.get(ReviewComment, reply_to_id)
        if parent is None or parent.survey_id != survey.id:
            raise LifecycleError("That comment is no longer there", "body")
        question_key = parent.question_key
    comment = ReviewComment(
        survey_id=survey.id,
        question_key=question_key,
        body=body,
        reply_to_id=reply_to_id,
        author_id=user.id,
        created_at=now,
    )
    session.add(comment)
    return comment


def comments_by_question(session: Session, survey: Survey) -> dict[str, list[ReviewComment]]:
    """The survey's review comments by question key ("" for the survey as a whole)."""
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in session.scalars(
        sa.select(ReviewComment)
        .where(ReviewComment.survey_id == survey.id)
        .order_by(ReviewComment.created_at, ReviewComment.id)
    ):
        grouped.setdefault(comment.question_key, []).append(comment)
    return grouped


def snapshots(session: Session, survey: Survey) -> list[SurveySnapshot]:
    """The survey's snapshots, by version."""
    return list(
        session.scalars(
            sa.select(SurveySnapshot)
            .where(SurveySnapshot.survey_id == survey.id)
            .order_by(SurveySnapshot.version)
        )
    )
