"""Free-text answers staff read and quote: comments, "other" answers and text questions,
searchable, newest first, shown with contact details redacted."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys import content as doc
from surveys.fieldwork.models import Answer, SurveyResponse
from surveys.guidance.spec import FREE_TEXT_TYPES
from surveys.results.figures import ResultFilters, submitted_responses
from surveys.results.redaction import redact

PAGE_SIZE = 50


@dataclass
class Comment:
    """A free-text answer or comment, with its question."""

    answer_id: int
    question_key: str
    question_text: str
    kind: str  # "answer", "other" or "comment"
    text: str  # redacted


def comments(
    session: Session, survey, filters: ResultFilters, search: str = "", page: int = 1
) -> tuple[list[Comment], int]:
    """One page of comments matching ``search`` (case-insensitive), and how many match."""
    questions = {q["key"]: q["text"] for q in doc.questions(survey.content or {})}
    free = [q["key"] for q in doc.questions(survey.content or {}) if q["type"] in FREE_TEXT_TYPES]
    is_text_answer = sa.and_(
        Answer.question_key.in_(free),
        Answer.value.is_not(None),
        sa.cast(Answer.value, sa.Text) != "null",
    )
    has_text = sa.or_(is_text_answer, Answer.other_text != "", Answer.comment != "")
    where = [*submitted_responses(survey, filters), has_text]
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        answer_text = sa.func.lower(sa.cast(Answer.value, sa.Text))
        where.append(
            sa.or_(
                sa.and_(is_text_answer, answer_text.like(pattern)),
                sa.func.lower(Answer.other_text).like(pattern),
                sa.func.lower(Answer.comment).like(pattern),
            )
        )
    base = sa.select(Answer).join(SurveyResponse, SurveyResponse.id == Answer.response_id)
    total = session.scalar(base.with_only_columns(sa.func.count(Answer.id)).where(*where)) or 0
    rows = session.scalars(
        base.where(*where)
        .order_by(Answer.id.desc())
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    found = []
    for answer in rows:
        text_question = answer.question_key in free
        for kind, text in (
            ("answer", answer.value if text_question and isinstance(answer.value, str) else ""),
            ("other", answer.other_text),
            ("comment", answer.comment),
        ):
            if text:
                found.append(
                    Comment(
                        answer.id,
                        answer.question_key,
                        questions.get(answer.question_key, ""),
                        kind,
                        redact(text),
                    )
                )
    return found, total


def comment_text(session: Session, survey, answer_id: int) -> str | None:
    """The redacted text of one of this survey's submitted answers (for quoting), or None."""
    answer = session.scalar(
        sa.select(Answer)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(Answer.id == answer_id, *submitted_responses(survey, ResultFilters()))
    )
    if answer is None:
        return None
    parts = [
        answer.value if isinstance(answer.value, str) else "",
        answer.other_text,
        answer.comment,
    ]
    text = " ".join(part for part in parts if part)
    return redact(text) if text else None
