"""Counts behind the results pages: each closed question's answers and cross-tabs by place,
source, age band or an equality field, over submitted responses and the chosen filters. All of
it is SQL aggregation (one grouped query per question type), so 100,000 responses stay fast."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.reference import AGE_BANDS, EQUALITY_FIELDS, EQUALITY_QUESTIONS
from panel.places.models import Neighbourhood, Place
from surveys import content as doc
from surveys.fieldwork.answering import OTHER
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey

OTHER_LABEL = "Other (said in their own words)"
NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class ResultFilters:
    """Which submitted responses the figures cover; every field empty means all of them."""

    place_id: int | None = None
    neighbourhood_id: int | None = None
    source: str = ""
    age_band: str = ""
    #: (equality field, code) pairs, e.g. (("sex", "female"),).
    equality: tuple[tuple[str, str], ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None

    @property
    def any(self) -> bool:
        return any(
            (self.place_id, self.neighbourhood_id, self.source, self.age_band, self.equality,
             self.submitted_from, self.submitted_to)
        )  # fmt: skip


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), ZoneInfo("Europe/London")).astimezone(UTC)


def submitted_responses(survey: Survey, filters: ResultFilters) -> list:
    """WHERE clauses for the survey's submitted responses that match ``filters``."""
    clauses = [SurveyResponse.survey_id == survey.id,
               SurveyResponse.status == ResponseStatus.SUBMITTED]  # fmt: skip
    if filters.place_id is not None:
        clauses.append(SurveyResponse.place_id == filters.place_id)
    if filters.neighbourhood_id is not None:
        clauses.append(SurveyResponse.neighbourhood_id == filters.neighbourhood_id)
    if filters.source:
        clauses.append(SurveyResponse.source == filters.source)
    if filters.age_band:
        clauses.append(SurveyResponse.age_band == filters.age_band)
    for name, code in filters.equality:
        clauses.append(SurveyResponse.equality[name].as_string() == code)
    if filters.submitted_from:
        clauses.append(SurveyResponse.submitted_at >= _start_of(filters.submitted_from))
    if filters.submitted_to:
        clauses.append(
            SurveyResponse.submitted_at < _start_of(filters.submitted_to + timedelta(days=1))
        )
    return clauses


@dataclass
class Dimension:
    """Something responses can be broken down by: its name, SQL expression and categories."""

    key: str
    label: str
    expression: sa.ColumnElement
    categories: list[tuple[str, str]]  # stored value (as text), label

    def label_of(self, value) -> str:
        return dict(self.categories).get("" if value is None else str(value), NOT_KNOWN)


def dimensions(session: Session) -> dict[str, Dimension]:
    places = [(str(i), name) for i, name in session.execute(
        sa.select(Place.id, Place.name).order_by(Place.name))]  # fmt: skip
    neighbourhoods = [(str(i), name) for i, name in session.execute(
        sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name))]  # fmt: skip
    found = {
        "place": Dimension("place", "Place", SurveyResponse.place_id, places),
        "neighbourhood": Dimension(
            "neighbourhood", "Neighbourhood", SurveyResponse.neighbourhood_id, neighbourhoods
        ),
        "source": Dimension("source", "Where they answered", SurveyResponse.source, []),
        "age_band": Dimension("age_band", "Age", SurveyResponse.age_band, list(AGE_BANDS)),
    }
    for item in EQUALITY_QUESTIONS:
        expression = SurveyResponse.equality[item.field].as_string()
        found[item.field] = Dimension(
            item.field, _short_label(item.question), expression, list(item.options)
        )
    return found


def _short_label(question: str) -> str:
    labels = {
        "What is your sex?": "Sex",
        "What is your ethnic group?": "Ethnic group",
        "What is your religion?": "Religion",
    }
    return labels.get(question, question.rstrip("?"))


def sources(session: Session, survey: Survey) -> list[str]:
    return list(session.scalars(
        sa.select(SurveyResponse.source).where(SurveyResponse.survey_id == survey.id)
        .group_by(SurveyResponse.source).order_by(SurveyResponse.source)))  # fmt: skip


@dataclass
class OptionCount:
    label: str
    count: int
    share: float | None  # of the people who answered the question


@dataclass
class QuestionResult:
    question: dict
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    #: free text and numbers: how many gave an answer (the comments are read elsewhere).
    texts: int = 0

    @property
    def key(self) -> str:
        return self.question["key"]

    @property
    def is_closed(self) -> bool:
        return self.question["type"] in CHOICE_TYPES

    @property
    def multiple(self) -> bool:
        return self.question["type"] == "multiple_choice"

    @property
    def rows(self) -> list[tuple[str, int, float | None]]:
        return [(o.label, o.count, o.share) for o in self.options]


def option_values(question: dict) -> list[str]:
    """The stored values a closed question's answers can take, in order."""
    labels = list(question["options"])
    if question.get("allow_other"):
        labels.append(OTHER)
    return labels


def _label(value: str) -> str:
    return OTHER_LABEL if value == OTHER else value


def _single_value() -> sa.ColumnElement:
    # JSON text of a one-choice answer ('"Car"'); decoded once per group in Python.
    return sa.cast(Answer.value, sa.Text)


def _has_value() -> sa.ColumnElement:
    # An answer row may hold only a comment: its value is SQL NULL or JSON null.
    return sa.and_(Answer.value.is_not(None), sa.cast(Answer.value, sa.Text) != "null")


def _choices_table(session: Session):
    """A table-valued function that expands a multiple-choice JSON list into one row each."""
    if session.get_bind().dialect.name == "postgresql":
        as_list = sa.case(
            (sa.func.json_typeof(Answer.value) == "array", Answer.value),
            else_=sa.cast(sa.literal("[]"), sa.JSON),
        )
        return sa.func.json_array_elements_text(as_list).table_valued(
            "value", joins_implicitly=True
        )
    return sa.func.json_each(Answer.value).table_valued("value", joins_implicitly=True)


def _decode(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, str) else None


def grouped_counts(session: Session, survey: Survey, filters: ResultFilters, groups: list):
    """Counted from the answers: {(question key, group tuple, option): people} for closed
    questions, {(question key, group tuple): people who answered} for every question, and
    {group tuple: respondents}."""
    where = submitted_responses(survey, filters)
    base = sa.select(Answer.question_key, *groups).join(
        SurveyResponse, SurveyResponse.id == Answer.response_id
    )
    keys = {q["key"]: q for q in doc.questions(survey.content or {})}
    single = [k for k, q in keys.items() if q["type"] in ("single_choice", "rating_scale")]
    multiple = [k for k, q in keys.items() if q["type"] == "multiple_choice"]
    width = len(groups)
    counts: dict[tuple, int] = {}
    answered: dict[tuple, int] = {}
    value = _single_value()
    rows = session.execute(
        base.add_columns(value, sa.func.count())
        .where(*where, Answer.question_key.in_(single), _has_value())
        .group_by(Answer.question_key, *groups, value)
    )
    for row in rows:
        key, grouping, raw, n = row[0], tuple(row[1 : 1 + width]), row[-2], row[-1]
        cell = (key, grouping, _decode(raw))
        counts[cell] = counts.get(cell, 0) + n
    if multiple:
        element = _choices_table(session)
        rows = session.execute(
            base.add_columns(element.c.value, sa.func.count())
            .where(*where, Answer.question_key.in_(multiple), _has_value())
            .group_by(Answer.question_key, *groups, element.c.value)
        )
        for row in rows:
            counts[(row[0], tuple(row[1 : 1 + width]), row[-2])] = row[-1]
    rows = session.execute(
        base.add_columns(sa.func.count())
        .where(*where, _has_value())
        .group_by(Answer.question_key, *groups)
    )
    for row in rows:
        answered[(row[0], tuple(row[1 : 1 + width]))] = row[-1]
    people = session.execute(
        sa.select(*groups, sa.func.count(SurveyResponse.id)).where(*where).group_by(*groups)
    )
    respondents_by_group = {tuple(row[:width]): row[-1] for row in people}
    return counts, answered, respondents_by_group


def _tallied(session: Session, survey: Survey, filters: ResultFilters, by_key: str | None):
    """The same counts from the tally table, when the filters and breakdown allow it and the
    tallies agree with the responses; otherwise None."""
    from surveys.results import tallies
    from surveys.results.models import AnswerTally

    if by_key is not None and by_key not in tallies.TALLIED_DIMENSIONS:
        return None
    other_equality = [name for name, _code in filters.equality if name != "sex"]
    if (
        filters.neighbourhood_id
        or other_equality
        or filters.submitted_from
        or (filters.submitted_to)
    ):
        return None
    if not tallies.ensure_current(session, survey, respondents(session, survey, ResultFilters())):
        return None
    where = [AnswerTally.survey_id == survey.id]
    if filters.place_id is not None:
        where.append(AnswerTally.place_key == filters.place_id)
    if filters.age_band:
        where.append(AnswerTally.age_band == filters.age_band)
    if filters.source:
        where.append(AnswerTally.source == filters.source)
    for _name, code in filters.equality:
        where.append(AnswerTally.sex == code)
    group = [getattr(AnswerTally, tallies.TALLIED_DIMENSIONS[by_key])] if by_key else []
    counts: dict[tuple, int] = {}
    answered: dict[tuple, int] = {}
    rows = session.execute(
        sa.select(AnswerTally.question_key, AnswerTally.option, *group,
                  sa.func.sum(AnswerTally.people))
        .where(*where, AnswerTally.question_key != tallies.RESPONDENTS)
        .group_by(AnswerTally.question_key, AnswerTally.option, *group)
    )  # fmt: skip
    for row in rows:
        key, option, n = row[0], row[1], int(row[-1])
        group_value = row[2] if by_key else None
        if by_key == "place":
            group_value = group_value or None
        if option == tallies.ANSWERED:
            answered[(key, group_value)] = n
        else:
            counts[(key, group_value, option)] = n
    return counts, answered


def _counts(session: Session, survey: Survey, filters: ResultFilters, by=None, by_key=None):
    """{(question key, group value, option): people} for every closed question, and
    {(question key, group value): people who answered} for every question; from the tallies
    where they can answer, otherwise from the answers."""
    found = _tallied(session, survey, filters, by_key if by is not None else None)
    if found is not None:
        return found
    counts, answered, _people = grouped_counts(session, survey, filters,
                                               [by] if by is not None else [])  # fmt: skip

    def single(group: tuple):
        return group[0] if group else None

    return (
        {(k, single(g), o): n for (k, g, o), n in counts.items()},
        {(k, single(g)): n for (k, g), n in answered.items()},
    )


def respondents(session: Session, survey: Survey, filters: ResultFilters) -> int:
    return session.scalar(
        sa.select(sa.func.count(SurveyResponse.id)).where(*submitted_responses(survey, filters))
    ) or 0  # fmt: skip


def question_results(
    session: Session, survey: Survey, filters: ResultFilters
) -> list[QuestionResult]:
    """Every question's figures, in survey order."""
    counts, answered = _counts(session, survey, filters)
    results = []
    for question in doc.questions(survey.content or {}):
        key = question["key"]
        total = answered.get((key, None), 0)
        result = QuestionResult(question, total)
        if question["type"] in CHOICE_TYPES:
            for option in option_values(question):
                n = counts.get((key, None, option), 0)
                result.options.append(OptionCount(_label(option), n, n / total if total else None))
        else:
            result.texts = total
        results.append(result)
    return results


@dataclass
class CrossTab:
    """A closed question's answers (rows) by a dimension's categories (columns)."""

    question: dict
    dimension: Dimension
    rows: list[str]
    columns: list[str]
    #: cells[row][column] = people; the last column is the row total.
    cells: list[list[int]]
    column_totals: list[int]  # people who answered, per column

    def share(self, row: int, column: int) -> float | None:
        total = self.column_totals[column]
        return self.cells[row][column] / total if total else None


def cross_tabs(
    session: Session,
    survey: Survey,
    dimension: Dimension,
    filters: ResultFilters,
    keys: list[str] | None = None,
) -> list[CrossTab]:
    """Every closed question (or those in ``keys``) by ``dimension``, from one pass per type."""
    counts, answered = _counts(
        session, survey, filters, by=dimension.expression, by_key=dimension.key
    )
    seen_groups = {group for (_key, group) in answered}
    columns = [value for value, _label in dimension.categories
               if value in {"" if g is None else str(g) for g in seen_groups}]  # fmt: skip
    extra = sorted({"" if g is None else str(g) for g in seen_groups} - set(columns))
    columns += extra
    tables = []
    for question in doc.questions(survey.content or {}):
        if question["type"] not in CHOICE_TYPES or (keys and question["key"] not in keys):
            continue
        key = question["key"]
        by_group: dict[str, dict] = defaultdict(dict)
        totals: dict[str, int] = defaultdict(int)
        for (k, group, option), n in counts.items():
            if k == key:
                by_group["" if group is None else str(group)][option] = n
        for (k, group), n in answered.items():
            if k == key:
                totals["" if group is None else str(group)] += n
        options = option_values(question)
        cells = [[by_group[c].get(option, 0) for c in columns] for option in options]
        tables.append(
            CrossTab(
                question, dimension, [_label(o) for o in options],
                [dimension.label_of(c) if dimension.categories else (c or NOT_KNOWN)
                 for c in columns],
                cells, [totals[c] for c in columns],
            )
        )  # fmt: skip
    return tables


def equality_fields() -> list[str]:
    return list(EQUALITY_FIELDS)
