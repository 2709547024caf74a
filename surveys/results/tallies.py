"""Answer tallies: each submission adds one to the cells it falls in (question, answer, place,
age band, sex, source), so unfiltered figures and breakdowns by those read the tally table.
Any disagreement with the responses (answers loaded in bulk, responses from before tallies
existed) is healed by rebuilding the survey's tallies from the answers with SQL."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys import content as doc
from surveys.fieldwork.answering import answers_of
from surveys.fieldwork.models import SurveyResponse
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey
from surveys.results.models import AnswerTally

logger = logging.getLogger(__name__)
ANSWERED = ""
RESPONDENTS = ""
#: the breakdowns the tallies hold (the dimension keys of surveys.results.figures).
TALLIED_DIMENSIONS = {
    "place": "place_key",
    "age_band": "age_band",
    "sex": "sex",
    "source": "source",
}
_TABLE = AnswerTally.__table__


def _insert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(_TABLE)


def _cells(survey: Survey, answers: dict[str, object]) -> list[tuple[str, str]]:
    """(question key, option) cells one response adds to, "" options for "answered"."""
    cells = [(RESPONDENTS, ANSWERED)]
    for question in doc.questions(survey.content or {}):
        value = answers.get(question["key"])
        if value is None or value == [] or value == "":
            continue
        cells.append((question["key"], ANSWERED))
        if question["type"] in CHOICE_TYPES:
            for option in value if isinstance(value, list) else [value]:
                cells.append((question["key"], str(option)[:300]))
    return cells


def record_submission(session: Session, survey: Survey, response: SurveyResponse) -> None:
    """Add one submitted response to its cells (in key order, so concurrent submissions lock
    rows in the same order and cannot deadlock)."""
    answers = answers_of(session, response)
    rows = [
        {"survey_id": survey.id, "question_key": key, "option": option,
         "place_key": response.place_id or 0, "age_band": response.age_band or "",
         "sex": str((response.equality or {}).get("sex") or ""), "source": response.source or "",
         "people": 1}
        for key, option in sorted(set(_cells(survey, answers)))
    ]  # fmt: skip
    statement = _insert(session)
    statement = statement.on_conflict_do_update(
        index_elements=[
            "survey_id",
            "question_key",
            "option",
            "place_key",
            "age_band",
            "sex",
            "source",
        ],
        set_={"people": _TABLE.c.people + 1},
    )
    # One executemany: the rows still go in key order, one statement each.
    session.execute(statement, rows)


def rebuild(session: Session, survey: Survey) -> None:
    """Recount the survey's tallies from its submitted answers (grouped in SQL)."""
    from surveys.results.figures import ResultFilters, grouped_counts

    groups = [
        SurveyResponse.place_id,
        SurveyResponse.age_band,
        SurveyResponse.equality["sex"].as_string(),
        SurveyResponse.source,
    ]
    counts, answered, respondents = grouped_counts(session, survey, ResultFilters(), groups)
    rows = []
    for (key, group, option), people in counts.items():
        if option is not None:
            rows.append((key, str(option)[:300], group, people))
    for (key, group), people in answered.items():
        rows.append((key, ANSWERED, group, people))
    for group, people in respondents.items():
        rows.append((RESPONDENTS, ANSWERED, group, people))
    session.execute(sa.delete(AnswerTally).where(AnswerTally.survey_id == survey.id))
    values = [
        {"survey_id": survey.id, "question_key": key, "option": option,
         "place_key": place_id or 0, "age_band": age_band or "", "sex": sex or "",
         "source": source or "", "people": people}
        for key, option, (place_id, age_band, sex, source), people in rows
    ]  # fmt: skip
    if values:
        session.execute(sa.insert(AnswerTally), values)


def tallied_respondents(session: Session, survey: Survey) -> int:
    return session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AnswerTally.people), 0)).where(
            AnswerTally.survey_id == survey.id, AnswerTally.question_key == RESPONDENTS
        )
    )


def ensure_current(session: Session, survey: Survey, respondents: int) -> bool:
    """True when the tallies agree with ``respondents`` (rebuilding them if they did not);
    False when a rebuild raced a submission (the caller counts from the answers instead)."""
    if tallied_respondents(session, survey) == respondents:
        return True
    logger.info("Rebuilding the answer tallies of survey %s", survey.id)
    try:
        with session.begin_nested():
            rebuild(session, survey)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return tallied_respondents(session, survey) == respondents
