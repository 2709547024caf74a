"""The slow, obvious recount the results must always agree with: every sent response and answer
row read into Python and counted by hand (no codes, no SQL grouping)."""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from surveys import content as doc
from surveys.answer_codes import option_values
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.guidance.spec import CHOICE_TYPES
from surveys.results.figures import OTHER_LABEL


def _answered(value) -> bool:
    return value is not None and value != "" and value != []


def sent(session, survey, keep=lambda response: True) -> list[tuple[SurveyResponse, dict]]:
    """(response, {question key: value}) for every sent response that ``keep`` accepts."""
    responses = [
        r
        for r in session.scalars(
            sa.select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.status == ResponseStatus.SUBMITTED,
            )
        )
        if keep(r)
    ]
    answers: dict[int, dict] = defaultdict(dict)
    for response_id, key, value in session.execute(
        sa.select(Answer.response_id, Answer.question_key, Answer.value)
    ):
        answers[response_id][key] = value
    return [(r, answers[r.id]) for r in responses]


def recount(session, survey, keep=lambda response: True) -> dict[str, tuple[int, dict]]:
    """{question key: (people who answered, {option label: people})} by hand."""
    people = sent(session, survey, keep)
    found = {}
    for question in doc.questions(survey.content or {}):
        key = question["key"]
        given = [a[key] for _r, a in people if _answered(a.get(key))]
        counts: Counter = Counter()
        if question["type"] in CHOICE_TYPES:
            for value in given:
                counts.update(set(value) if isinstance(value, list) else [value])
            labels = {v: (OTHER_LABEL if v == "__other__" else v) for v in option_values(question)}
            counts = Counter({labels[v]: counts.get(v, 0) for v in labels})
        found[key] = (len(given), dict(counts))
    return found


def shown(results) -> dict[str, tuple[int, dict]]:
    """The same shape from figures.question_results."""
    return {r.key: (r.answered, {o.label: o.count for o in r.options}) for r in results}
