"""Survey results at 100,000 responses to a 20-question survey (2 million answers).

Times the full staff results page's figures: every question's counts and shares, a place
cross-tab of every closed question, and the respondent profile. Prints figures per database,
then one JSON line: n, answers, results_s (median), weighted_s (raking to the Census margins
and the weighted figures of every closed question), filtered_s (the same page filtered by an
equality field, which counts from the answers, not the tallies), rebuild_s (recounting the
tallies from the answers, done once after a bulk load), python_s (the same counts by loading
the rows into Python, the naive way, in the same run), ratio_vs_python, and the PostgreSQL
figures.
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
from panel.places.models import Place
from surveys import content as doc
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.models import Survey, SurveyStatus
from surveys.results import figures, profile, tallies, weighting

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
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
        doc.question(f"q{i + 1}", kind, f"Question {i + 1}", why_we_ask="Benchmark.",
                     options=OPTIONS if kind in ("single_choice", "multiple_choice") else None)
        for i, kind in enumerate(KINDS)
    ]  # fmt: skip
    survey = Survey(
        title="Bench results", status=SurveyStatus.CLOSED, purpose="Load.",
        content={"pages": [{"title": "", "show_if": None, "questions": questions}]},
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1),
    )  # fmt: skip
    db.session.add(survey)
    db.session.commit()
    return survey


def populate(survey: Survey, n: int) -> None:
    rng = random.Random(11)
    place_ids = list(db.session.scalars(sa.select(Place.id)))
    start = datetime.now(UTC) - timedelta(days=40)
    questions = doc.questions(survey.content)
    batch = 10000
    for offset in range(0, n, batch):
        responses = []
        for i in range(offset, min(n, offset + batch)):
            at = start + timedelta(seconds=i * 30)
            responses.append({
                "id": i + 1, "survey_id": survey.id, "status": ResponseStatus.SUBMITTED,
                "furthest_page": 1, "started_at": at, "updated_at": at, "submitted_at": at,
                "source": rng.choice(["Personal invitation", "Healthwatch", "Library"]),
                "place_id": rng.choice(place_ids), "age_band": rng.choice(AGES),
                "equality": {"sex": rng.choice(["female", "male"]),
                             "religion": rng.choice(["none", "christian", "muslim"])},
            })  # fmt: skip
        db.session.execute(sa.insert(SurveyResponse), responses)
        answers = []
        for row in responses:
            for question in questions:
                kind = question["type"]
                if kind == "multiple_choice":
                    value = rng.sample(OPTIONS, rng.randint(1, 3))
                elif kind in ("single_choice", "rating_scale"):
                    value = rng.choice(question["options"])
                elif kind == "number":
                    value = str(rng.randint(0, 50))
                else:
                    value = rng.choice(["Better buses", "More parking", "Longer hours"])
                answers.append({"response_id": row["id"], "question_key": question["key"],
                                "value": value, "other_text": "", "comment": ""})  # fmt: skip
        db.session.execute(sa.insert(Answer), answers)
        db.session.commit()


def weighted(survey: Survey) -> None:
    found = weighting.weights_for(db.session, survey)
    weighting.weighted_results(db.session, survey, found)


def full_results(survey: Survey, filters=None) -> None:
    filters = filters or figures.ResultFilters()
    place = figures.dimensions(db.session)["place"]
    figures.respondents(db.session, survey, filters)
    figures.question_results(db.session, survey, filters)
    figures.cross_tabs(db.session, survey, place, filters)
    profile.respondent_profile(db.session, survey, filters)


def python_counts(survey: Survey) -> None:
    """The naive way: every answer row into Python, counted there."""
    counts = Counter()
    rows = db.session.execute(
        sa.select(Answer.question_key, Answer.value, SurveyResponse.place_id)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(SurveyResponse.survey_id == survey.id,
               SurveyResponse.status == ResponseStatus.SUBMITTED)
    )  # fmt: skip
    for key, value, place_id in rows:
        for option in value if isinstance(value, list) else [value]:
            counts[(key, option)] += 1
            counts[(key, place_id, option)] += 1


def run(kind: str, url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        survey = build_survey()
        started = time.perf_counter()
        populate(survey, N)
        print(f"[{kind}] {N:,} responses, {N * len(KINDS):,} answers loaded in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        if kind == "postgresql":
            with db.engine.connect() as connection:
                connection.execute(sa.text("ANALYZE"))
                connection.commit()
        started = time.perf_counter()
        tallies.rebuild(db.session, survey)
        db.session.commit()
        rebuild = time.perf_counter() - started
        results = timed(lambda: full_results(survey), REPEAT)
        weighted_ms = timed(lambda: weighted(survey), REPEAT)
        no_religion = figures.ResultFilters(equality=(("religion", "none"),))
        filtered = timed(lambda: full_results(survey, no_religion), 1)
        naive = timed(lambda: python_counts(survey), 2)
        db.session.remove()
    return {"results_s": round(median(results) / 1000, 3),
            "weighted_s": round(median(weighted_ms) / 1000, 3),
            "filtered_s": round(median(filtered) / 1000, 3), "rebuild_s": round(rebuild, 2),
            "python_s": round(median(naive) / 1000, 3)}  # fmt: skip


def main() -> None:
    found = {}
    for kind, url in database_urls():
        found[kind] = run(kind, url)
        figures_ = found[kind]
        print(f"{kind}: full results page {figures_['results_s']} s (median of {REPEAT}); "
              f"weighted {figures_['weighted_s']} s; filtered by an equality field "
              f"{figures_['filtered_s']} s; tallies rebuilt in {figures_['rebuild_s']} s; "
              f"rows into Python {figures_['python_s']} s")  # fmt: skip
    sqlite = found["sqlite"]
    summary = {
        "n": N,
        "answers": N * len(KINDS),
        "results_s": sqlite["results_s"],
        "weighted_s": sqlite["weighted_s"],
        "filtered_s": sqlite["filtered_s"],
        "rebuild_s": sqlite["rebuild_s"],
        "python_s": sqlite["python_s"],
        "ratio_vs_python": round(sqlite["python_s"] / sqlite["results_s"], 1),
    }
    if "postgresql" in found:
        summary["postgres_results_s"] = found["postgresql"]["results_s"]
        summary["postgres_weighted_s"] = found["postgresql"]["weighted_s"]
        summary["postgres_filtered_s"] = found["postgresql"]["filtered_s"]
        summary["postgres_python_s"] = found["postgresql"]["python_s"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
