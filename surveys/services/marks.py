"""Authors mark a guidance finding as wrong, with a reason; the comms team reads the marks and
takes them into the checker's corpus.

A mark copies the question's wording and the finding as they were, so it keeps its meaning
after the question is edited. The corpus download suggests the label "plain" for the question
(the finding was wrong); whoever adds it to the corpus checks that label first.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.csv_export import csv_text
from panel.field_errors import FieldError
from surveys import content as doc
from surveys.guidance.corpus import COLUMNS, PLAIN
from surveys.models import FindingMark, Survey
from surveys.services import checking

MIN_REASON = 10
MAX_REASON = 1000
#: the corpus columns, then what the comms team needs to judge the suggested label.
CSV_HEADER = (*COLUMNS, "flagged_rule", "reason", "finding", "marked_at")


class MarkError(FieldError):
    """The mark cannot be recorded; the message says why (``field`` names the form field)."""


def mark_finding_wrong(
    session: Session,
    survey: Survey,
    user: StaffUser,
    finding: str,
    reason: str,
    now: datetime,
) -> FindingMark:
    """Record that the survey's finding named `finding` (CheckedFinding.mark_id) is wrong, and why.

    Raises MarkError (field "reason") for a reason too short or too long, and MarkError (no
    field) when the survey no longer has that finding."""
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise MarkError("Say in a sentence why this finding is wrong", "reason")
    if len(reason) > MAX_REASON:
        raise MarkError(f"Keep the reason under {MAX_REASON:,} characters", "reason")
    report = checking.check(session, survey)
    match = [c.finding for c in report.all if c.mark_id == finding]
    if not match:
        raise MarkError("That finding is no longer there: the question may have changed")
    found = match[0]
    question = next(
        (q for q in doc.questions(survey.content or {}) if q.get("key") == found.question_key),
        {},
    )
    mark = FindingMark(
        survey_id=survey.id,
        rule=found.rule,
        question_key=found.question_key or "",
        question_type=str(question.get("type", "")),
        question_text=str(question.get("text", "")),
        message=found.message,
        reason=reason,
        by_id=user.id,
        at=now,
    )
    session.add(mark)
    session.flush()
    record_audit(
        session,
        user,
        "survey.finding_marked_wrong",
        "survey",
        [survey.id],
        f"{found.rule} {found.question_key or ''} mark {mark.id}",
        now=now,
    )
    return mark


def recent_marks(session: Session, limit: int = 500) -> list[FindingMark]:
    """The newest marks first, with their surveys and authors loaded."""
    return list(
        session.scalars(
            sa.select(FindingMark)
            .options(joinedload(FindingMark.survey), joinedload(FindingMark.by))
            .order_by(FindingMark.at.desc(), FindingMark.id.desc())
            .limit(limit)
        )
    )


def marks_csv(marks: list[FindingMark]) -> str:
    """The marks of question findings in the corpus format (label, type, text) plus what the
    comms team needs to check the suggested label; no staff names."""
    rows = [
        (PLAIN, m.question_type, m.question_text, m.rule, m.reason, m.message, m.at.isoformat())
        for m in marks
        if m.question_text
    ]
    return csv_text(CSV_HEADER, rows)
