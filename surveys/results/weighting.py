"""Optional weights: respondents raked (iterative proportional fitting, with ipfn) to the Census
2021 margins of place x age band and place x sex, so each place's weighted respondents have its
population's age and sex make-up. Weights belong to cells (place, age band, sex), so weighted
figures are sums over the answer tallies, never a pass over the answers.

Respondents whose place, age band or sex is not known keep a weight of 1."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import PopulationFigure
from surveys.models import Survey
from surveys.results import tallies
from surveys.results.figures import (
    OptionCount,
    QuestionResult,
    ResultFilters,
    option_values,
    question_results,
    respondents,
)
from surveys.results.models import AnswerTally

Cell = tuple[int, str, str]  # place id, age band, sex


@dataclass
class Weighting:
    weights: dict[Cell, float] = field(default_factory=dict)
    respondents: int = 0
    weighted: int = 0  # respondents in the weighting frame (place, age band and sex known)
    effective_n: float = 0.0
    #: the Census figures each place was raked to, {(place id, "age_band"|"sex", category): share}
    margins: dict[tuple, float] = field(default_factory=dict)

    def weight(self, cell: Cell) -> float:
        return self.weights.get(cell, 1.0)


def _population(session: Session, place_ids: list[int]) -> dict[tuple, float]:
    """{(place, dimension, category): people}, with each place's sex margin scaled to its age
    margin's total, so the two margins agree (the Census age bands here start at 16)."""
    rows = session.execute(
        sa.select(PopulationFigure.place_id, PopulationFigure.dimension,
                  PopulationFigure.category, PopulationFigure.population)
        .where(PopulationFigure.place_id.in_(place_ids),
               PopulationFigure.dimension.in_(["age_band", "sex"]))
    ).all()  # fmt: skip
    figures = {(p, d, c): float(n) for p, d, c, n in rows}
    for place_id in place_ids:
        ages = sum(n for (p, d, _c), n in figures.items() if p == place_id and d == "age_band")
        sexes = sum(n for (p, d, _c), n in figures.items() if p == place_id and d == "sex")
        for key in [k for k in figures if k[0] == place_id and k[1] == "sex"]:
            figures[key] = figures[key] * ages / sexes if sexes else 0.0
    return figures


def weights_for(session: Session, survey: Survey) -> Weighting:
    """Rake the survey's respondents (from the tallies) to each place's Census margins."""
    total = respondents(session, survey, ResultFilters())
    result = Weighting(respondents=total)
    if not total or not tallies.ensure_current(session, survey, total):
        return result
    cells = session.execute(
        sa.select(AnswerTally.place_key, AnswerTally.age_band, AnswerTally.sex,
                  sa.func.sum(AnswerTally.people))
        .where(AnswerTally.survey_id == survey.id,
               AnswerTally.question_key == tallies.RESPONDENTS)
        .group_by(AnswerTally.place_key, AnswerTally.age_band, AnswerTally.sex)
    ).all()  # fmt: skip
    population = _population(session, sorted({place for place, *_ in cells if place}))
    known = [
        (place, age, sex, int(n)) for place, age, sex, n in cells
        if (place, "age_band", age) in population and (place, "sex", sex) in population
    ]  # fmt: skip
    if not known:
        return result
    # Imported here: pandas is slow to load and only weighting needs it.
    import pandas as pd
    from ipfn import ipfn

    frame = pd.DataFrame(known, columns=["place", "age", "sex", "people"])
    frame["total"] = frame["people"].astype(float)
    in_frame = frame["total"].sum()
    # Only categories with respondents can be fitted: each place's margins are renormalised
    # over the categories present, then scaled to the place's share of the population.
    place_people = {}
    for place in frame["place"].unique():
        ages = frame.loc[frame["place"] == place, "age"].unique()
        place_people[place] = sum(population[(place, "age_band", a)] for a in ages)
    everyone = sum(place_people.values())
    age_targets, sex_targets = {}, {}
    for place, group in frame.groupby("place"):
        scale = in_frame * place_people[place] / everyone
        ages, sexes = group["age"].unique(), group["sex"].unique()
        age_sum = sum(population[(place, "age_band", a)] for a in ages)
        sex_sum = sum(population[(place, "sex", s)] for s in sexes)
        for age in ages:
            share = population[(place, "age_band", age)] / age_sum
            age_targets[(place, age)] = scale * share
            result.margins[(place, "age_band", age)] = share
        for sex in sexes:
            share = population[(place, "sex", sex)] / sex_sum
            sex_targets[(place, sex)] = scale * share
            result.margins[(place, "sex", sex)] = share
    aggregates = [
        pd.Series(age_targets).rename_axis(["place", "age"]),
        pd.Series(sex_targets).rename_axis(["place", "sex"]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ipfn's pandas deprecation notices
        fitted = ipfn.ipfn(frame.copy(), aggregates, [["place", "age"], ["place", "sex"]],
                           weight_col="total", convergence_rate=1e-8,
                           max_iteration=1000).iteration()  # fmt: skip
    # ipfn returns the rows regrouped, so each weight is read from its own fitted row.
    for row in fitted.itertuples():
        result.weights[(int(row.place), row.age, row.sex)] = float(row.total / row.people)
    result.weighted = int(in_frame)
    sum_w = sum(n * result.weight((p, a, s)) for p, a, s, n in known)
    sum_w2 = sum(n * result.weight((p, a, s)) ** 2 for p, a, s, n in known)
    unweighted = total - result.weighted
    result.effective_n = (sum_w + unweighted) ** 2 / (sum_w2 + unweighted) if sum_w2 else 0.0
    return result


def weighted_results(
    session: Session, survey: Survey, weighting: Weighting
) -> dict[str, QuestionResult]:
    """Every closed question's weighted counts and shares, keyed by question."""
    rows = session.execute(
        sa.select(AnswerTally.question_key, AnswerTally.option, AnswerTally.place_key,
                  AnswerTally.age_band, AnswerTally.sex, sa.func.sum(AnswerTally.people))
        .where(AnswerTally.survey_id == survey.id,
               AnswerTally.question_key != tallies.RESPONDENTS)
        .group_by(AnswerTally.question_key, AnswerTally.option, AnswerTally.place_key,
                  AnswerTally.age_band, AnswerTally.sex)
    ).all()  # fmt: skip
    sums: dict[tuple[str, str], float] = {}
    for key, option, place, age, sex, people in rows:
        weighted = people * weighting.weight((place, age, sex))
        sums[(key, option)] = sums.get((key, option), 0.0) + weighted
    found = {}
    for plain in question_results(session, survey, ResultFilters()):
        if not plain.is_closed:
            continue
        answered = sums.get((plain.key, tallies.ANSWERED), 0.0)
        result = QuestionResult(plain.question, round(answered))
        for raw, option in zip(option_values(plain.question), plain.options, strict=True):
            n = sums.get((plain.key, raw), 0.0)
            result.options.append(OptionCount(option.label, round(n), n / answered if answered
                                              else None))  # fmt: skip
        found[plain.key] = result
    return found
