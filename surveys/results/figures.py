"""The results pages' figures: each question's answers, and cross-tabs of the closed ones by
place, neighbourhood, source, age band or an equality field, over sent responses and the chosen
filters, all counted by surveys.results.counting at the moment they are asked for."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.reference import AGE_BANDS, EQUALITY_FIELDS, EQUALITY_QUESTIONS
from panel.places.models import Neighbourhood, Place
from surveys import compound
from surveys.answer_codes import OTHER, option_values
from surveys.fieldwork.models import CHANNEL_LABELS, SurveyResponse
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey
from surveys.results import counting

# Re-exported: the results pages know these from here.
from surveys.results.counting import FiguresUnavailable as FiguresUnavailable
from surveys.results.counting import ResponsesRemoved as ResponsesRemoved
from surveys.results.counting import ResultFilters as ResultFilters
from surveys.results.counting import removed_notice as removed_notice
from surveys.results.counting import submitted_responses as submitted_responses

OTHER_LABEL = "Other (said in their own words)"
NOT_KNOWN = "Not known"


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
    """The dimensions results can be broken down by, with their labels."""
    places = [
        (str(i), name)
        for i, name in session.execute(sa.select(Place.id, Place.name).order_by(Place.name))
    ]
    neighbourhoods = [
        (str(i), name)
        for i, name in session.execute(
            sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)
        )
    ]
    found = {
        "place": Dimension("place", "Place", SurveyResponse.place_id, places),
        "neighbourhood": Dimension(
            "neighbourhood", "Neighbourhood", SurveyResponse.neighbourhood_id, neighbourhoods
        ),
        "source": Dimension("source", "Where they answered", SurveyResponse.source, []),
        "age_band": Dimension("age_band", "Age", SurveyResponse.age_band, list(AGE_BANDS)),
        "channel": Dimension(
            "channel",
            "How they answered",
            SurveyResponse.channel,
            [(channel.value, label) for channel, label in CHANNEL_LABELS.items()],
        ),
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
    """The distinct sources of the survey's responses."""
    return list(
        session.scalars(
            sa.select(SurveyResponse.source)
            .where(SurveyResponse.survey_id == survey.id)
            .group_by(SurveyResponse.source)
            .order_by(SurveyResponse.source)
        )
    )


def channel_counts(session: Session, survey: Survey, filters: ResultFilters) -> list[dict]:
    """How many of the sent responses matching ``filters`` came by each channel, in the order
    of CHANNEL_LABELS, channels nobody used left out: [{"channel", "label", "n"}]."""
    counted = dict(
        session.execute(
            sa.select(SurveyResponse.channel, sa.func.count(SurveyResponse.id))
            .where(*submitted_responses(survey, filters))
            .group_by(SurveyResponse.channel)
        ).all()
    )
    return [
        {"channel": channel.value, "label": label, "n": counted[channel]}
        for channel, label in CHANNEL_LABELS.items()
        if counted.get(channel)
    ]


@dataclass
class OptionCount:
    """One option of a question: its label, count and share."""

    label: str
    count: int
    share: float | None  # of the people who answered the question


@dataclass
class QuestionResult:
    """A question's figures: how many answered and the count of each option."""

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


def _label(value: str) -> str:
    return OTHER_LABEL if value == OTHER else value


def respondents(session: Session, survey: Survey, filters: ResultFilters) -> int:
    """How many submitted responses match the filters."""
    return (
        session.scalar(
            sa.select(sa.func.count(SurveyResponse.id)).where(*submitted_responses(survey, filters))
        )
        or 0
    )


def results_from_tally(survey: Survey, tally: counting.Tally) -> list[QuestionResult]:
    """Every question's figures from a count (plain or weighted), in survey order."""
    results = []
    # Grids and rankings are counted by their parts (surveys.compound), each a closed question.
    for question in compound.counted_questions(survey.content):
        key = question["key"]
        total = tally.answered.get(key, 0)
        result = QuestionResult(question, total)
        if question["type"] in CHOICE_TYPES:
            counts = tally.values[key]
            for value, n in zip(option_values(question), counts.tolist(), strict=True):
                result.options.append(OptionCount(_label(value), n, n / total if total else None))
        else:
            result.texts = total
        results.append(result)
    return results


def question_results(
    session: Session, survey: Survey, filters: ResultFilters
) -> list[QuestionResult]:
    """Every question's figures, in survey order. Raises FiguresUnavailable."""
    return results_from_tally(survey, counting.overall(session, survey, filters))


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
    """Every closed question (or those in ``keys``) by ``dimension``, from one grouped count.
    Raises FiguresUnavailable."""
    return page_figures(session, survey, dimension, filters, keys).cross_tabs


@dataclass
class PageFigures:
    """What the results page shows: respondents, question figures and cross-tabs."""

    respondents: int
    results: list[QuestionResult]
    cross_tabs: list[CrossTab]


def page_figures(
    session: Session,
    survey: Survey,
    dimension: Dimension,
    filters: ResultFilters,
    keys: list[str] | None = None,
) -> PageFigures:
    """A results page's figures from one grouped count: the cross-tabs by ``dimension``, and
    the whole (each question's figures, the respondents) as the sum of its groups."""
    counted = counting.count(session, survey, filters, (dimension.expression,))
    groups = {"" if group[0] is None else str(group[0]): tally for group, tally in counted.items()}
    whole = counting.empty_tally(survey)
    for tally in groups.values():
        whole.add(tally)
    columns = [value for value, _name in dimension.categories if value in groups]
    columns += sorted(set(groups) - set(columns))
    tables = []
    for question in compound.counted_questions(survey.content):
        if question["type"] not in CHOICE_TYPES or (keys and question["key"] not in keys):
            continue
        key = question["key"]
        values = option_values(question)
        cells = [[int(groups[c].values[key][row]) for c in columns] for row in range(len(values))]
        tables.append(
            CrossTab(
                question,
                dimension,
                [_label(v) for v in values],
                [
                    dimension.label_of(c) if dimension.categories else (c or NOT_KNOWN)
                    for c in columns
                ],
                cells,
                [int(groups[c].answered[key]) for c in columns],
            )
        )
    return PageFigures(int(whole.respondents), results_from_tally(survey, whole), tables)


def equality_fields() -> list[str]:
    """The equality fields results may be broken down by."""
    return list(EQUALITY_FIELDS)
