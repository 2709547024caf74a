"""Planning and writing surveys: the plan, pages and questions, blocks, import and export.

Every change goes through here; a change to an approved survey sends it back to review, and a
live or closed survey cannot be changed (typo corrections go through publishing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.access import can_see_place, scope_to_places
from panel.auth.models import Role, StaffUser
from panel.field_errors import FieldError
from panel.segments.services.segments import visible_segments
from panel.segments.services.special_category import (
    SpecialCategoryRefused,
    Use,
    check_special_category,
    special_category_fields,
)
from surveys import content as doc
from surveys import validation
from surveys.models import AudienceKind, InvolvementLevel, Survey, SurveyStatus
from surveys.services.documents import read_document


class AuthoringError(FieldError):
    """The change cannot be made; ``field`` names the form field it concerns, if any, and
    ``problems`` holds every (field, message) when there is more than one thing to say."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        problems: list[tuple[str | None, str]] | None = None,
    ):
        super().__init__(message, field)
        self.problems = problems or [(field, message)]


def _refused(
    problems: list[validation.Problem], key: str | None, page: int | None = None
) -> AuthoringError:
    """The error for content the rules refuse: the saved question's (or page's) problems go next
    to its fields (all of a field's in one message); any elsewhere say where they are."""
    by_field: dict[str | None, list[str]] = {}
    for p in problems:
        own_page = (
            page is not None and p.question_key is None and p.where.startswith(f"pages[{page}].")
        )
        if (key is not None and p.question_key == key) or own_page:
            by_field.setdefault(p.field, []).append(p.for_field)
        else:
            by_field.setdefault(None, []).append(f"{p.label}: {p.message}")
    shown = [(field, "; ".join(messages)) for field, messages in by_field.items()]
    return AuthoringError(shown[0][1], shown[0][0], shown)


@dataclass
class Plan:
    """What the plan form gives, as plain values."""

    title: str
    purpose: str
    decision: str
    already_known: str
    equality_considerations: str
    audience: AudienceKind
    segment_id: int | None
    involvement: InvolvementLevel
    opens_at: datetime | None
    closes_at: datetime | None
    formal_consultation: bool
    urgent_reason: str
    anonymous: bool
    place_id: int | None
    reminder_days: int | None = None
    results_note: str = ""


def visible_surveys(
    session: Session, user: StaffUser, statuses: tuple[SurveyStatus, ...] | None = None
) -> list[Survey]:
    """Every survey the user may see, newest first (place teams: their places' only),
    optionally only those in ``statuses``."""
    statement = sa.select(Survey).order_by(Survey.updated_at.desc(), Survey.id.desc())
    if statuses is not None:
        statement = statement.where(Survey.status.in_(statuses))
    if user.role is Role.PLACE:
        statement = scope_to_places(statement, user, Survey.place_id)
    return list(session.scalars(statement))


def _check_plan(session: Session, user: StaffUser, plan: Plan) -> None:
    if user.role is Role.PLACE and (
        plan.place_id is None or not can_see_place(user, plan.place_id)
    ):
        raise AuthoringError("Choose one of your places", "place_id")
    if plan.opens_at and plan.closes_at and plan.closes_at <= plan.opens_at:
        raise AuthoringError("The closing date must be after the opening date", "closes_day")
    if plan.audience is AudienceKind.SEGMENT:
        segment = {s.id: s for s in visible_segments(session, user)}.get(plan.segment_id)
        if segment is None:
            raise AuthoringError("Choose one of your saved segments", "segment_id")
        try:
            check_special_category(
                session,
                user,
                special_category_fields(segment.definition),
                Use.SURVEY,
                object_ids=[segment.id],
            )
        except SpecialCategoryRefused as error:
            raise AuthoringError(str(error), "segment_id") from error


def create_survey(session: Session, user: StaffUser, plan: Plan, now: datetime) -> Survey:
    """A new draft with one empty page. Raises AuthoringError."""
    _check_plan(session, user, plan)
    survey = Survey(author_id=user.id, content=doc.empty(), created_at=now, updated_at=now)
    _apply_plan(survey, plan)
    session.add(survey)
    session.flush()
    record_audit(session, user, "survey.create", "survey", [survey.id], now=now)
    return survey


def update_plan(session: Session, survey: Survey, user: StaffUser, plan: Plan, now: datetime):
    """Raises AuthoringError (including when the survey can no longer change)."""
    _editable(survey)
    _check_plan(session, user, plan)
    _apply_plan(survey, plan)
    _changed(survey, now)


def _apply_plan(survey: Survey, plan: Plan) -> None:
    survey.title = plan.title.strip()
    survey.purpose = plan.purpose.strip()
    survey.decision = plan.decision.strip()
    survey.already_known = plan.already_known.strip()
    survey.equality_considerations = plan.equality_considerations.strip()
    survey.audience = plan.audience
    survey.segment_id = plan.segment_id if plan.audience is AudienceKind.SEGMENT else None
    survey.involvement = plan.involvement
    survey.opens_at = plan.opens_at
    survey.closes_at = plan.closes_at
    survey.formal_consultation = plan.formal_consultation
    survey.urgent_reason = plan.urgent_reason.strip()
    survey.anonymous = plan.anonymous
    survey.place_id = plan.place_id
    survey.reminder_days = plan.reminder_days
    survey.results_note = plan.results_note.strip()


def _editable(survey: Survey) -> None:
    if not survey.is_editable:
        raise AuthoringError(
            "A live or closed survey cannot be changed: correct a typo from the survey page"
        )


def _changed(survey: Survey, now: datetime) -> None:
    """Any edit after approval needs approving again."""
    if survey.status is SurveyStatus.APPROVED:
        survey.move_to(SurveyStatus.IN_REVIEW)
        survey.approved_by_id = None
        survey.approved_at = None
    survey.updated_at = now


def _set_content(
    survey: Survey, change, now: datetime, key: str | None = None, page: int | None = None
):
    """Make a change to the pages and questions, kept only if the survey then passes every
    content rule (surveys.validation, the same rules an import passes); the problems of the
    question ``key`` or the page ``page`` changed are told against its fields."""
    _editable(survey)
    try:
        result = change(survey.content or doc.empty())
    except doc.ContentError as error:
        raise AuthoringError(str(error)) from error
    content = result[0] if isinstance(result, tuple) else result
    problems = validation.content_problems(content)
    if problems:
        raise _refused(problems, key, page)
    survey.content = content
    _changed(survey, now)
    return result[1] if isinstance(result, tuple) else None


def save_question(survey: Survey, page_index: int, question: dict, now: datetime) -> str:
    """Add or replace a question (matched by key); returns its key. Raises AuthoringError with
    every problem, each next to its field."""
    _set_content(survey, lambda c: doc.put_question(c, page_index, question), now, question["key"])
    return question["key"]


def new_question_key(survey: Survey) -> str:
    """A question key not yet used in the survey."""
    return doc.new_key(survey.content or doc.empty())


def move_question(survey: Survey, key: str, direction: int, now: datetime) -> None:
    """Move a question one place up (-1) or down (+1); past a page's edge, onto the next page."""
    _set_content(survey, lambda c: doc.move_question(c, key, direction), now)


def duplicate_question(survey: Survey, key: str, now: datetime) -> str:
    """Copy a question after itself; returns the copy's key."""
    return _set_content(survey, lambda c: doc.duplicate_question(c, key), now)


def delete_question(survey: Survey, key: str, now: datetime) -> None:
    """Delete a question."""
    _set_content(survey, lambda c: doc.delete_question(c, key), now)


def add_page(survey: Survey, title: str, now: datetime) -> None:
    """Add an empty page at the end."""
    _set_content(survey, lambda c: doc.add_page(c, title), now)


def change_page(
    survey: Survey, page_index: int, title: str, show_if: dict | None, now: datetime
) -> None:
    """A page's title and "show only if". Raises AuthoringError with each of the page's problems
    next to its field (title, show_if_key, show_if_values)."""
    _set_content(
        survey, lambda c: doc.change_page(c, page_index, title, show_if), now, page=page_index
    )


def delete_page(survey: Survey, page_index: int, now: datetime) -> None:
    """Delete a page; raises ContentError while it holds questions."""
    _set_content(survey, lambda c: doc.delete_page(c, page_index), now)


def add_equality_block(survey: Survey, now: datetime) -> None:
    """Add the standard equality questions on a page of their own."""
    _set_content(survey, doc.add_equality_block, now)


def import_survey(
    session: Session, user: StaffUser, document: dict, place_id: int | None, now: datetime
) -> Survey:
    """A new draft from an export: its title, plan and questions, checked by the builder's
    rules; dates are left for the author to set. Raises SurveyFileProblems (every problem with
    its place in the file) or AuthoringError."""
    imported = read_document(document)
    plan = Plan(
        title=imported.title,
        purpose=imported.plan["purpose"],
        decision=imported.plan["decision"],
        already_known=imported.plan["already_known"],
        equality_considerations=imported.plan["equality_considerations"],
        audience=AudienceKind.PANEL,
        segment_id=None,
        involvement=imported.plan["involvement"],
        opens_at=None,
        closes_at=None,
        formal_consultation=imported.plan["formal_consultation"],
        urgent_reason="",
        anonymous=imported.plan["anonymous"],
        place_id=place_id,
    )
    survey = create_survey(session, user, plan, now)
    survey.content = imported.content
    record_audit(session, user, "survey.import", "survey", [survey.id], now=now)
    return survey
