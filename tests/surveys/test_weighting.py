"""Weighting to Census 2021 on the margins each respondent's known values allow (issue 17 item
2): a worked example computed by hand, the message when it cannot be done, and the demo data,
whose weighted figures must differ from the unweighted ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.demo import create_demo_data
from panel.auth.models import Role
from surveys.models import Survey
from surveys.results import weighting
from surveys.results.figures import ResultFilters, question_results
from tests.factories import make_staff

P, Q = 1, 2
CENSUS = {
    (P, "age_band", "A"): 600.0,
    (P, "age_band", "B"): 400.0,
    (P, "sex", "F"): 500.0,
    (P, "sex", "M"): 500.0,
    (Q, "age_band", "A"): 100.0,
    (Q, "age_band", "B"): 100.0,
    (Q, "sex", "F"): 100.0,
    (Q, "sex", "M"): 100.0,
}


def test_raking_on_available_margins_matches_the_weights_worked_out_by_hand():
    """Place P (1,000 people, 60% in age band A) has five respondents, one of unknown sex;
    place Q (200 people) one; one respondent's place is not known.

    Place margin: P should carry 1000/1200 of the 6 framed people = 5, Q 1: already so.
    Age in P: A holds 2 of 5 people but should hold 60% = 3 (factor 3/2); B 3 should be 2
    (factor 2/3), the respondent of unknown sex included. Sex in P, over the four of known sex:
    F = 1.5 + 2/3 = M, so nothing moves and the fit is exact. Q has one category of each: 1."""
    people = {
        (P, "A", "F"): 1,
        (P, "A", "M"): 1,
        (P, "B", "F"): 1,
        (P, "B", "M"): 1,
        (P, "B", None): 1,
        (Q, "A", "F"): 1,
        (None, "A", "F"): 1,
    }
    found = weighting.rake(people, CENSUS)
    assert found.not_done is None
    expected = {
        (P, "A", "F"): 1.5,
        (P, "A", "M"): 1.5,
        (P, "B", "F"): 2 / 3,
        (P, "B", "M"): 2 / 3,
        (P, "B", None): 2 / 3,
        (Q, "A", "F"): 1.0,
        (None, "A", "F"): 1.0,
    }
    for cell, weight in expected.items():
        assert found.weight(cell) == pytest.approx(weight, abs=1e-9), cell
    assert found.respondents == 7 and found.in_frame == 6
    assert found.frame_share == pytest.approx(6 / 7)
    assert found.margins == {
        "place": 6,
        "age band within each place": 6,
        "sex within each place": 5,
    }
    # Kish: (sum w)^2 / sum w^2 = 49 / (2 x 2.25 + 3 x 4/9 + 1 + 1)
    assert found.effective_n == pytest.approx(49 / (4.5 + 4 / 3 + 2))
    assert found.design_effect == pytest.approx(7 / found.effective_n)


def test_weighting_that_cannot_be_done_says_why_in_words():
    found = weighting.rake({(None, "A", "F"): 4}, CENSUS)
    assert found.not_done and "none of the 4 respondents" in found.not_done
    assert found.weight((None, "A", "F")) == 1.0
    assert "nobody has answered" in weighting.rake({}, CENSUS).not_done


def test_on_the_demo_data_weighted_figures_differ_from_unweighted(session, client, login_as):
    create_demo_data(session, datetime.now(UTC))
    session.commit()
    survey = session.scalar(sa.select(Survey).where(Survey.title == "Pharmacy opening hours"))
    found = weighting.weights_for(session, survey)
    assert found.not_done is None and found.in_frame == found.respondents > 0
    assert "sex within each place" in found.margins and found.design_effect > 1
    weighted = weighting.weighted_results(session, survey, found)
    plain = {r.key: r for r in question_results(session, survey, ResultFilters())}
    moved = max(
        abs(w.share - p.share)
        for key in weighted
        for w, p in zip(weighted[key].options, plain[key].options, strict=True)
        if w.share is not None and p.share is not None
    )
    assert moved > 0.005
    login_as(make_staff(session, Role.OBSERVER))
    html = client.get(f"/staff/surveys/{survey.id}/results?weights=census").get_data(as_text=True)
    for words in ("Margins used", "Effective sample size", "Design effect", "Weighted share"):
        assert words in html
