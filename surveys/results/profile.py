"""Who answered beside who lives here: respondents' share of each place, age band and sex next
to the Census 2021 population's share (are the respondents representative?)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import Place, PopulationFigure
from surveys.fieldwork.models import SurveyResponse
from surveys.models import Survey
from surveys.results.figures import Dimension, ResultFilters, dimensions, submitted_responses
from surveys.results.published import published_rows


@dataclass
class ProfileRow:
    """One group in the profile of respondents: respondents, their share and the panel's share."""

    label: str
    respondents: int
    respondent_share: float | None
    population_share: float | None


@dataclass
class ProfileTable:
    """One characteristic of the respondents' profile."""

    label: str
    rows: list[ProfileRow]


def _population(session: Session, key: str, place_ids: tuple[int, ...] | None) -> dict[str, int]:
    if key == "place":
        query = sa.select(Place.id, Place.population).where(Place.population.is_not(None))
        if place_ids is not None:
            query = query.where(Place.id.in_(place_ids))
        return {str(i): n for i, n in session.execute(query)}
    query = (
        sa.select(PopulationFigure.category, sa.func.sum(PopulationFigure.population))
        .where(PopulationFigure.dimension == key)
        .group_by(PopulationFigure.category)
    )
    if place_ids is not None:
        query = query.where(PopulationFigure.place_id.in_(place_ids))
    return {category: int(n) for category, n in session.execute(query)}


def _table(session, counts: dict[str, int], dimension: Dimension, place_ids) -> ProfileTable:
    population = _population(session, dimension.key, place_ids)
    known = sum(n for value, n in counts.items() if value in population)
    people = sum(population.values())
    rows = [
        ProfileRow(
            label,
            counts.get(value, 0),
            counts.get(value, 0) / known if known else None,
            population[value] / people if people else None,
        )
        for value, label in dimension.categories
        if value in population
    ]
    rest = sum(n for value, n in counts.items() if value not in population)
    if rest:
        rows.append(ProfileRow("Not known or preferred not to say", rest, None, None))
    return ProfileTable(dimension.label, rows)


def respondent_profile(
    session: Session, survey: Survey, filters: ResultFilters
) -> list[ProfileTable]:
    """Place (unless the survey or the reader is for one place), age band and sex, against the
    population of the survey's place, the reader's places or the whole area: one grouped count
    of the respondents."""
    found = dimensions(session)
    place_ids = (survey.place_id,) if survey.place_id else filters.within_places
    keys = (
        ["age_band", "sex"] if place_ids and len(place_ids) == 1 else ["place", "age_band", "sex"]
    )
    expressions = [found[key].expression for key in keys]
    counts: dict[str, dict[str, int]] = {key: defaultdict(int) for key in keys}
    for row in session.execute(
        sa.select(*expressions, sa.func.count(SurveyResponse.id))
        .where(*submitted_responses(survey, filters))
        .group_by(*expressions)
    ):
        for key, value in zip(keys, row[:-1], strict=True):
            counts[key]["" if value is None else str(value)] += row[-1]
    return [_table(session, counts[key], found[key], place_ids) for key in keys]


def published_profile(tables: list[ProfileTable]) -> list[ProfileTable]:
    """The profile as it may be shared: counts from 1 to 7 (and the ones that would reveal
    them) hidden, with their shares."""
    shown = []
    for table in tables:
        rows = published_rows(
            [
                {"label": r.label, "n": r.respondents, "share": r.respondent_share, "p": r}
                for r in table.rows
            ]
        )
        shown.append(
            ProfileTable(
                table.label,
                [
                    ProfileRow(row["label"], row["n"], row["share"], row["p"].population_share)
                    for row in rows
                ],
            )
        )
    return shown
