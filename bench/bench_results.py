"""Survey results at 100,000 responses to a 20-question survey (2 million answers), and at
1,000,000 responses on PostgreSQL.

Times the full staff results page's figures: every question's counts and shares, a place
cross-tab of every closed question, and the respondent profile, counted from the responses'
answer codes (surveys.results.counting). Prints figures per database, then one JSON line: n,
answers, results_s (median, unfiltered), weighted_s (raking to Census 2021 and the weighted
figures of every closed question), filtered_s (the slowest of the same page filtered by place,
by neighbourhood, by an equality field and by the answer to another question; each is printed),
python_s (the same counts by loading the answer rows into Python, the naive way, in the same
run), ratio_vs_python, the PostgreSQL figures, and postgres_1m_s (the page filtered by an
equality field at 1,000,000 responses; that database holds the responses with their codes but
not the 20 million answer rows, which no figure on the page reads).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import database_urls, make_app, median, timed

from panel.extensions import db
from panel.places.models import Neighbourhood, Place
from surveys import content as doc
from surveys.answer_codes import encode, layout_of
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.models import Survey, SurveyStatus
from surveys.results import figures, profile, weighting

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
N_LARGE = int(os.environ.get("BENCH_LARGE_RESPONSES", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
AGES = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
OPTIONS = ["First", "Second", "Third", "Fourth", "Fifth"]
KINDS = (
    ["single_choice"] * 8
    + ["rating_scale"] * 4
    + ["multiple_choice"] * 4
    + (["long_text"] * 2 + ["number"] * 2)
)


def build_survey() -> Survey:
    now = datetime.now(UTC)
    questions = [
        doc.question(
            f"q{i + 1}",
            kind,
            f"Question {i + 1}",
            why_we_ask="Benchmark.",
            options=OPTIONS if kind in ("single_choice", "multiple_choice") else None,
        )
        for i, kind in enumerate(KINDS)
    ]
    survey = Survey(
        title="Bench results",
        status=SurveyStatus.CLOSED,
        purpose="Load.",
        content={"pages": [{"title": "", "show_if": None, "questions": questions}]},
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1),
    )
    db.session.add(survey)
    db.session.commit()
    return survey


def _answers_of(rng: random.Random, questions: list[dict]) -> dict:
    answers = {}
    for question in questions:
        kind = question["type"]
        if kind == "multiple_choice":
            answers[question["key"]] = rng.sample(OPTIONS, rng.randint(1, 3))
        elif kind in ("single_choice", "rating_scale"):
            answers[question["key"]] = rng.choice(question["options"])
        elif kind == "number":
            answers[question["key"]] = str(rng.randint(0, 50))
        else:
            answers[question["key"]] = rng.choice(["Better buses", "More parking", "Longer hours"])
    return answers


def populate(survey: Survey, n: int, *, answer_rows: bool = True) -> None:
    """``n`` sent responses, each with its answer codes as sending writes them, and (unless
    ``answer_rows`` is false) its answer rows."""
    rng = random.Random(11)
    place_ids = list(db.session.scalars(sa.select(Place.id)))
    neighbourhoods = {
        place_id: list(
            db.session.scalars(
                sa.select(Neighbourhood.id).where(Neighbourhood.place_id == place_id)
            )
        )
        or [None]
        for place_id in place_ids
    }
    start = datetime.now(UTC) - timedelta(days=40)
    questions = doc.questions(survey.content)
    layout = layout_of(survey.content)
    batch = 10000
    for offset in range(0, n, batch):
        responses, answers = [], []
        for i in range(offset, min(n, offset + batch)):
            at = start + timedelta(seconds=i * 3)
            given = _answers_of(rng, questions)
            place_id = rng.choice(place_ids)
            responses.append(
                {
                    "id": i + 1,
                    "survey_id": survey.id,
                    "status": ResponseStatus.SUBMITTED,
                    "furthest_page": 1,
                    "started_at": at,
                    "updated_at": at,
                    "submitted_at": at,
                    "source": rng.choice(["Personal invitation", "Healthwatch", "Library"]),
                    "place_id": place_id,
                    "neighbourhood_id": rng.choice(neighbourhoods[place_id]),
                    "age_band": rng.choice(AGES),
                    "equality": {
                        "sex": rng.choice(["female", "male"]),
                        "religion": rng.choice(["none", "christian", "muslim"]),
                    },
                    "answer_codes": encode(layout, given),
                }
            )
            if answer_rows:
                answers += [
                    {
                        "response_id": i + 1,
                        "question_key": key,
                        "value": value,
                        "other_text": "",
                        "comment": "",
                    }
                    for key, value in given.items()
                ]
        db.session.execute(sa.insert(SurveyResponse), responses)
        if answers:
            db.session.execute(sa.insert(Answer), answers)
        db.session.commit()


def weighted(survey: Survey) -> None:
    found = weighting.weights_for(db.session, survey)
    weighting.weighted_results(db.session, survey, found)


def full_results(survey: Survey, filters=None) -> None:
    filters = filters or figures.ResultFilters()
    place = figures.dimensions(db.session)["place"]
    # What the staff results page counts (surveys.results.staff_views.overview).
    figures.page_figures(db.session, survey, place, filters)
    profile.respondent_profile(db.session, survey, filters)


def python_counts(survey: Survey) -> None:
    """The naive way: every answer row into Python, counted there."""
    counts = Counter()
    rows = db.session.execute(
        sa.select(Answer.question_key, Answer.value, SurveyResponse.place_id)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.status == ResponseStatus.SUBMITTED
        )
    )
    for key, value, place_id in rows:
        for option in value if isinstance(value, list) else [value]:
            counts[(key, option)] += 1
            counts[(key, place_id, option)] += 1


def filters_to_time(survey: Survey) -> dict[str, figures.ResultFilters]:
    """One filter of each kind the page offers."""
    place_id = db.session.scalar(sa.select(Place.id).order_by(Place.id))
    neighbourhood_id = db.session.scalar(
        sa.select(SurveyResponse.neighbourhood_id)
        .where(SurveyResponse.neighbourhood_id.is_not(None))
        .limit(1)
    )
    return {
        "place": figures.ResultFilters(place_id=place_id),
        "neighbourhood": figures.ResultFilters(neighbourhood_id=neighbourhood_id),
        "equality field": figures.ResultFilters(equality=(("religion", "none"),)),
        "another answer": figures.ResultFilters(answers=(("q1", "Second"),)),
    }


def analyse(kind: str) -> None:
    if kind == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()


def run(kind: str, url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        survey = build_survey()
        started = time.perf_counter()
        populate(survey, N)
        print(
            f"[{kind}] {N:,} responses, {N * len(KINDS):,} answers loaded in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        analyse(kind)
        results = timed(lambda: full_results(survey), REPEAT)
        weighted_ms = timed(lambda: weighted(survey), REPEAT)
        filtered = {}
        for name, chosen in filters_to_time(survey).items():
            filtered[name] = (
                median(timed(lambda chosen=chosen: full_results(survey, chosen), REPEAT)) / 1000
            )
            print(f"[{kind}] filtered by {name}: {filtered[name]:.3f} s", file=sys.stderr)
        naive = timed(lambda: python_counts(survey), 2)
        db.session.remove()
    return {
        "results_s": round(median(results) / 1000, 3),
        "weighted_s": round(median(weighted_ms) / 1000, 3),
        "filtered_s": round(max(filtered.values()), 3),
        "filtered": {name: round(value, 3) for name, value in filtered.items()},
        "python_s": round(median(naive) / 1000, 3),
    }


def run_large(url: str) -> float:
    """The page filtered by an equality field at N_LARGE responses (PostgreSQL)."""
    app = make_app(url)
    with app.app_context():
        survey = build_survey()
        started = time.perf_counter()
        populate(survey, N_LARGE, answer_rows=False)
        print(
            f"[postgresql] {N_LARGE:,} responses loaded in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        analyse("postgresql")
        chosen = figures.ResultFilters(equality=(("religion", "none"),))
        seconds = median(timed(lambda: full_results(survey, chosen), REPEAT)) / 1000
        unfiltered = median(timed(lambda: full_results(survey), REPEAT)) / 1000
        print(
            f"[postgresql] {N_LARGE:,} responses: filtered {seconds:.3f} s, "
            f"unfiltered {unfiltered:.3f} s",
            file=sys.stderr,
        )
        db.session.remove()
    return round(seconds, 3)


def main() -> None:
    found = {}
    urls = database_urls()
    for kind, url in urls:
        found[kind] = run(kind, url)
        figures_ = found[kind]
        print(
            f"{kind}: full results page {figures_['results_s']} s (median of {REPEAT}); "
            f"weighted {figures_['weighted_s']} s; filtered (slowest of "
            f"{', '.join(f'{k} {v} s' for k, v in figures_['filtered'].items())}) "
            f"{figures_['filtered_s']} s; answer rows into Python "
            f"{figures_['python_s']} s"
        )
    sqlite = found["sqlite"]
    summary = {
        "n": N,
        "answers": N * len(KINDS),
        "results_s": sqlite["results_s"],
        "weighted_s": sqlite["weighted_s"],
        "filtered_s": sqlite["filtered_s"],
        "python_s": sqlite["python_s"],
        "ratio_vs_python": round(sqlite["python_s"] / sqlite["results_s"], 1),
        "target_filtered_s": 0.5,
    }
    if "postgresql" in found:
        summary["postgres_results_s"] = found["postgresql"]["results_s"]
        summary["postgres_weighted_s"] = found["postgresql"]["weighted_s"]
        summary["postgres_filtered_s"] = found["postgresql"]["filtered_s"]
        summary["postgres_python_s"] = found["postgresql"]["python_s"]
        large_url = database_urls()[-1][1]
        summary["n_large"] = N_LARGE
        summary["postgres_1m_s"] = run_large(large_url)
        summary["target_postgres_1m_s"] = 2.0
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
