"""Counting sent responses: every figure on the results pages, exports, reports and public pages
is counted here, at the moment it is shown, from the responses' answer codes (surveys.answer_codes).

One grouped query per page fetches the codes of the responses that match the filters, grouped by
a breakdown (place, age band, an equality field...), each group's codes concatenated into one
string; numpy then counts each question's values. Filters on the respondent are SQL; a filter on
the answer to another question is applied to the codes. Nothing here is stored or cached, so a
figure always equals a recount of the answers as they are now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.answer_codes import (
    CodesOutOfStep,
    Layout,
    answered_mask,
    layout_of,
    matrix,
    value_counts,
)
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.fieldwork.retention import removed_notice
from surveys.models import Survey


class FiguresUnavailable(Exception):
    """The figures cannot be counted truthfully; the message says why, for the page."""


class ResponsesRemoved(FiguresUnavailable):
    """The survey's answers were deleted under the retention schedule: no figure can be counted,
    and showing zeros would be wrong."""


@dataclass(frozen=True)
class ResultFilters:
    """Which sent responses the figures cover; every field empty means all of them."""

    place_id: int | None = None
    neighbourhood_id: int | None = None
    source: str = ""
    age_band: str = ""
    #: (equality field, code) pairs, e.g. (("sex", "female"),).
    equality: tuple[tuple[str, str], ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None
    #: (question key, value) pairs: people who chose that value for that question.
    answers: tuple[tuple[str, str], ...] = ()
    #: only respondents of these places (a place team reading an ICB-wide survey); None: all.
    within_places: tuple[int, ...] | None = None
    #: only responses that came this way (a ResponseChannel value); "": every channel.
    channel: str = ""

    @property
    def any(self) -> bool:
        return any(
            (
                self.place_id,
                self.neighbourhood_id,
                self.source,
                self.age_band,
                self.equality,
                self.submitted_from,
                self.submitted_to,
                self.answers,
                self.within_places is not None,
                self.channel,
            )
        )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), ZoneInfo("Europe/London")).astimezone(UTC)


def submitted_responses(survey: Survey, filters: ResultFilters) -> list:
    """WHERE clauses for the survey's sent responses that match ``filters`` (all but the filter
    on answers, which needs the codes). Raises ResponsesRemoved once the answers were deleted
    under the retention schedule: every figure, list and export of answers is read through here."""
    notice = removed_notice(survey)
    if notice:
        raise ResponsesRemoved(notice)
    clauses = [
        SurveyResponse.survey_id == survey.id,
        SurveyResponse.status == ResponseStatus.SUBMITTED,
    ]
    if filters.within_places is not None:
        # Respondents with no place are nobody's: they stay out of a place team's figures.
        clauses.append(SurveyResponse.place_id.in_(filters.within_places))
    if filters.place_id is not None:
        clauses.append(SurveyResponse.place_id == filters.place_id)
    if filters.neighbourhood_id is not None:
        clauses.append(SurveyResponse.neighbourhood_id == filters.neighbourhood_id)
    if filters.source:
        clauses.append(SurveyResponse.source == filters.source)
    if filters.age_band:
        clauses.append(SurveyResponse.age_band == filters.age_band)
    if filters.channel:
        clauses.append(SurveyResponse.channel == filters.channel)
    for name, code in filters.equality:
        clauses.append(SurveyResponse.equality[name].as_string() == code)
    if filters.answers:
        layout = layout_of(survey.content)
        clauses += [_chose(layout, key, value) for key, value in filters.answers]
    if filters.submitted_from:
        clauses.append(SurveyResponse.submitted_at >= _start_of(filters.submitted_from))
    if filters.submitted_to:
        clauses.append(
            SurveyResponse.submitted_at < _start_of(filters.submitted_to + timedelta(days=1))
        )
    return clauses


@dataclass
class Tally:
    """One group of respondents counted: how many, who answered each question, and each
    closed question's values (in the order of answer_codes.option_values)."""

    respondents: float = 0
    answered: dict[str, float] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.respondents += other.respondents
        for key, n in other.answered.items():
            self.answered[key] = self.answered.get(key, 0) + n
        for key, counts in other.values.items():
            self.values[key] = self.values[key] + counts if key in self.values else counts.copy()


def _tally(layout: Layout, rows: np.ndarray) -> Tally:
    found = Tally(respondents=len(rows))
    for slot in layout.slots:
        found.answered[slot.key] = int(answered_mask(slot, rows).sum())
        if slot.kind != "text":
            found.values[slot.key] = value_counts(slot, rows)
    return found


def _chose(layout: Layout, key: str, value: str) -> sa.ColumnElement:
    """SQL for "chose ``value`` for question ``key``", read from the hex answer codes: the
    code's byte for one answer, the hex digit holding the value's bit for several."""
    slot = next((s for s in layout.slots if s.key == key), None)
    if slot is None or value not in slot.values:
        return sa.false()
    position = slot.values.index(value)
    codes = SurveyResponse.answer_codes
    if slot.kind == "one":
        return sa.func.substr(codes, 2 * slot.offset + 1, 2) == f"{position + 1:02x}"
    byte, bit = slot.offset + position // 8, position % 8
    # Hex writes a byte's high half first: bits 4-7 are its first digit, bits 0-3 its second.
    digit = 2 * byte + (1 if bit >= 4 else 2)
    with_bit = [f"{n:x}" for n in range(16) if n >> (bit % 4) & 1]
    return sa.func.substr(codes, digit, 1).in_(with_bit)


def _concatenated():
    column = sa.func.coalesce(SurveyResponse.answer_codes, "")
    return sa.func.aggregate_strings(column, "")


def count(
    session: Session, survey: Survey, filters: ResultFilters, groups: tuple = ()
) -> dict[tuple, Tally]:
    """{group values: Tally} for the sent responses matching ``filters``, grouped by the SQL
    expressions in ``groups`` (no groups: one entry, keyed ()). Raises FiguresUnavailable."""
    layout = layout_of(survey.content)
    where = submitted_responses(survey, filters)
    missing = session.scalar(
        sa.select(sa.func.count()).where(*where, SurveyResponse.answer_codes.is_(None))
    )
    if missing:
        raise FiguresUnavailable(
            f"{missing} sent responses have not been prepared for counting, so the figures "
            "would be wrong. Run `flask --app wsgi recount-answers` and reload this page."
        )
    statement = sa.select(*groups, _concatenated()).where(*where)
    if groups:
        statement = statement.group_by(*groups)
    found: dict[tuple, Tally] = {}
    for row in session.execute(statement):
        try:
            rows = matrix(layout, row[-1])
        except CodesOutOfStep as error:
            raise FiguresUnavailable(
                "The survey's questions changed after people answered, so the figures cannot "
                "be counted. Ask the communications team to recount the answers."
            ) from error
        if len(rows):
            found[tuple(row[:-1])] = _tally(layout, rows)
    return found


def weighted_count(
    session: Session, survey: Survey, cells: tuple, weight_of
) -> tuple[Tally, dict[tuple, int]]:
    """The sent responses counted with a weight per cell (``weight_of(cell values)``), and the
    number of respondents in each cell."""
    total, people = empty_tally(survey), {}
    for cell, tally in count(session, survey, ResultFilters(), cells).items():
        people[cell] = int(tally.respondents)
        weight = weight_of(cell)
        scaled = Tally(
            tally.respondents * weight,
            {key: n * weight for key, n in tally.answered.items()},
            {key: values * weight for key, values in tally.values.items()},
        )
        total.add(scaled)
    return total, people


def empty_tally(survey: Survey) -> Tally:
    """Nobody counted yet: zero for every question and value."""
    found = Tally()
    for slot in layout_of(survey.content).slots:
        found.answered[slot.key] = 0
        if slot.kind != "text":
            found.values[slot.key] = np.zeros(len(slot.values), dtype=np.int64)
    return found


def overall(session: Session, survey: Survey, filters: ResultFilters) -> Tally:
    """Everyone matching ``filters`` as one group."""
    found = empty_tally(survey)
    for tally in count(session, survey, filters).values():
        found.add(tally)
    return found
