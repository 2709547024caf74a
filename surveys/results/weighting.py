"""Optional weights: respondents raked (iterative proportional fitting) to the Census 2021
population of the places they live in, on whatever the panel knows about each of them.

What is known comes from the member record, copied onto the response when it is sent: the place
and age band always (for members), sex only where the member agreed to share it. Each respondent
takes part in the margins their answers allow: someone whose sex is not known is still weighted
by place and age band, and someone whose place is not known keeps a weight of 1. The margins:

- place: the places' shares of the population (when answers came from more than one place);
- age band within each place, and sex within each place: the place's Census shares, over the
  categories its respondents fall in (a category with nobody in it cannot be weighted up).

Written out here rather than with ipfn, which needs every respondent in every margin. The page
always shows the effective sample size, the design effect, the share of respondents in the
weighting frame and the margins used, and says in words when weighting cannot be done."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import PopulationFigure
from surveys.fieldwork.models import SurveyResponse
from surveys.models import Survey
from surveys.results import counting
from surveys.results.figures import QuestionResult, results_from_tally

Cell = tuple[int | None, str | None, str | None]  # place id, age band, sex (None: not known)
CELLS = (
    SurveyResponse.place_id,
    SurveyResponse.age_band,
    SurveyResponse.equality["sex"].as_string(),
)
MAX_ROUNDS = 200
TOLERANCE = 1e-10


@dataclass
class Weighting:
    """The weights of one survey's respondents, and what a reader needs to judge them."""

    respondents: int = 0
    #: respondents whose place is known and has Census figures, so the weights reach them.
    in_frame: int = 0
    #: respondents known in each margin, by margin name (only margins that were used).
    margins: dict[str, int] = field(default_factory=dict)
    effective_n: float = 0.0
    weights: dict[Cell, float] = field(default_factory=dict)
    #: why weighting could not be done, in words; None when it was done.
    not_done: str | None = None

    def weight(self, cell: Cell) -> float:
        return self.weights.get(cell, 1.0)

    @property
    def design_effect(self) -> float | None:
        return self.respondents / self.effective_n if self.effective_n else None

    @property
    def frame_share(self) -> float | None:
        return self.in_frame / self.respondents if self.respondents else None


def census_margins(session: Session, place_ids: list[int]) -> dict[tuple, float]:
    """{(place, "age_band" or "sex", category): people} from Census 2021."""
    rows = session.execute(
        sa.select(
            PopulationFigure.place_id,
            PopulationFigure.dimension,
            PopulationFigure.category,
            PopulationFigure.population,
        ).where(
            PopulationFigure.place_id.in_(place_ids),
            PopulationFigure.dimension.in_(["age_band", "sex"]),
        )
    ).all()
    return {(p, d, c): float(n) for p, d, c, n in rows}


def rake(people: dict[Cell, int], census: dict[tuple, float]) -> Weighting:
    """Weights per cell raked to ``census`` on the margins each cell's values allow."""
    total = sum(people.values())
    result = Weighting(respondents=total)
    places = sorted({place for place, _a, _s in people if place is not None})
    place_size = {
        place: sum(n for (p, d, _c), n in census.items() if p == place and d == "age_band")
        for place in places
    }
    framed = {cell: n for cell, n in people.items() if place_size.get(cell[0])}
    result.in_frame = sum(framed.values())
    if not framed:
        result.not_done = (
            f"Weighting was not done: none of the {total:,} respondents lives in a place with "
            "Census 2021 figures, so there is nothing to weight them to."
            if total
            else "Weighting was not done: nobody has answered yet."
        )
        return result
    weights = dict.fromkeys(people, 1.0)
    margins = _margins(framed, census, place_size, result)
    for _round in range(MAX_ROUNDS):
        largest_change = 0.0
        for groups in margins:
            # The margin's people keep their total; only its split between groups moves.
            mass = sum(framed[c] * weights[c] for group, _s in groups for c in group)
            for members, share in groups:
                current = sum(framed[c] * weights[c] for c in members)
                factor = share * mass / current if current else 1.0
                largest_change = max(largest_change, abs(factor - 1.0))
                for cell in members:
                    weights[cell] *= factor
        if largest_change < TOLERANCE:
            break
    result.weights = weights
    sum_w = sum(n * weights[c] for c, n in people.items())
    sum_w2 = sum(n * weights[c] ** 2 for c, n in people.items())
    result.effective_n = sum_w**2 / sum_w2 if sum_w2 else 0.0
    return result


def _margins(framed, census, place_size, result: Weighting) -> list[list[tuple[list, float]]]:
    """Each margin as groups of (cells, target share of the margin's mass)."""
    margins = []
    places = sorted({cell[0] for cell in framed})
    if len(places) > 1:
        everyone = sum(place_size[p] for p in places)
        margins.append(
            [([c for c in framed if c[0] == p], place_size[p] / everyone) for p in places]
        )
        result.margins["place"] = result.in_frame
    for dimension, index, name in (("age_band", 1, "age band"), ("sex", 2, "sex")):
        known_total = 0
        for place in places:
            known = [c for c in framed if c[0] == place and (place, dimension, c[index]) in census]
            categories = sorted({c[index] for c in known})
            size = sum(census[(place, dimension, k)] for k in categories)
            if not known or not size:
                continue
            shares = {k: census[(place, dimension, k)] / size for k in categories}
            margins.append([([c for c in known if c[index] == k], shares[k]) for k in categories])
            known_total += sum(framed[c] for c in known)
        if known_total:
            result.margins[f"{name} within each place"] = known_total
    return margins


def weights_for(session: Session, survey: Survey) -> Weighting:
    """Rake the survey's respondents to Census 2021. Raises FiguresUnavailable."""
    people = {
        (place, age or None, sex or None): int(tally.respondents)
        for (place, age, sex), tally in counting.count(
            session, survey, counting.ResultFilters(), CELLS
        ).items()
    }
    places = sorted({place for place, _a, _s in people if place is not None})
    return rake(people, census_margins(session, places))


def weighted_results(
    session: Session, survey: Survey, weighting: Weighting
) -> dict[str, QuestionResult]:
    """Every closed question's weighted counts (rounded for display) and shares, by key."""

    def weight_of(cell: tuple) -> float:
        place, age, sex = cell
        return weighting.weight((place, age or None, sex or None))

    tally, _people = counting.weighted_count(session, survey, CELLS, weight_of)
    found = {}
    for result in results_from_tally(survey, tally):
        if not result.is_closed:
            continue
        result.answered = round(result.answered)
        for option in result.options:
            option.count = round(option.count)
        found[result.key] = result
    return found
