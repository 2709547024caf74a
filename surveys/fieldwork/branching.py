"""Which pages and questions of a survey apply, given the answers so far ("show only if"), and
whether the survey takes answers now: shared by recording answers and moving between pages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveys.fieldwork.respondent import SurveyFacts
    from surveys.models import Survey


class SurveyClosed(Exception):
    """The survey is not open now (not yet, or closed)."""


def _value_matches(value, wanted: list) -> bool:
    wanted = {str(w) for w in wanted}
    if isinstance(value, list):
        return bool(wanted.intersection(str(v) for v in value))
    return value is not None and str(value) in wanted


def is_shown(item: dict, answers: dict) -> bool:
    """Whether a page or question shows, given its "show only if" and the answers."""
    condition = item.get("show_if")
    return not condition or _value_matches(answers.get(condition["question"]), condition["equals"])


def visible_pages(survey: Survey | SurveyFacts, answers: dict) -> list[int]:
    """The indexes of the pages that apply to these answers."""
    return [i for i, page in enumerate(survey.pages) if is_shown(page, answers)]


def visible_questions(page: dict, answers: dict) -> list[dict]:
    """The questions on ``page`` that apply to these answers."""
    return [q for q in page["questions"] if is_shown(q, answers)]


def require_open(survey: Survey | SurveyFacts, now: datetime) -> None:
    """Raises SurveyClosed unless the survey takes answers at ``now``."""
    if not survey.is_open(now):
        raise SurveyClosed()
