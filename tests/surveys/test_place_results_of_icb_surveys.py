"""A place team reads an ICB-wide survey's results for its own places: only respondents of its
places are counted, small numbers are hidden as on the public page, and no filter, breakdown or
download lets another place's respondents through (hand-counted fixture: tests/surveys/
results_helpers.py, Blackpool 10 sent, Lancashire 12)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from panel.disclosure import HIDDEN
from surveys.results import figures, published, scope
from surveys.results.figures import ResultFilters
from tests.factories import make_staff, place
from tests.surveys.results_helpers import closed_survey


@pytest.fixture
def icb_survey(session, now):
    return closed_survey(session, now)[0]


def test_figures_within_a_place_count_only_its_respondents(session, icb_survey):
    blackpool, lancashire = place(session, "blackpool").id, place(session, "lancashire").id
    for within, people, car in (((blackpool,), 10, 6), ((lancashire,), 12, 2)):
        filters = ResultFilters(within_places=within)
        assert figures.respondents(session, icb_survey, filters) == people
        q1 = {r.key: r for r in figures.question_results(session, icb_survey, filters)}["q1"]
        assert {o.label: o.count for o in q1.options}["Car"] == car
    # Blackpool's 6 by car and 4 by bus are small numbers: hidden as on the public page.
    q1 = figures.question_results(session, icb_survey, ResultFilters(within_places=(blackpool,)))
    shown = dict((label, n) for label, n, _share in published.published_question(q1[0]).options)
    assert shown["Car"] == HIDDEN and shown["Bus"] == HIDDEN


def test_the_scope_limits_a_place_team_to_its_places_on_icb_wide_surveys(session, icb_survey):
    team = make_staff(session, Role.PLACE, ["blackpool"])
    comms = make_staff(session, Role.COMMS)
    assert scope.may_read_results(icb_survey, team)
    assert scope.places_limit(icb_survey, team) == (place(session, "blackpool").id,)
    assert scope.places_limit(icb_survey, comms) is None
    assert scope.icb_wide_surveys_with_results(session, team) == [icb_survey]
    assert scope.icb_wide_surveys_with_results(session, comms) == []


def test_a_place_lead_reads_an_icb_wide_survey_for_their_place(client, login_as, session, now):
    icb_survey = closed_survey(session, now)[0]
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    listed = client.get("/staff/surveys/").text
    assert f'href="/staff/surveys/{icb_survey.id}/results"' in listed
    page = client.get(f"/staff/surveys/{icb_survey.id}/results?by=place")
    html = page.text
    assert page.status_code == 200
    assert "10 people sent answers in your places" in html
    assert ">Blackpool<" in html and ">Lancashire<" not in html  # in cross-tabs and filters
    # The profile too is as published: Blackpool's 5 and 5 by age band are hidden.
    profile = html.split("Who answered", 1)[1].split("<h2>Answers</h2>", 1)[0]
    assert ">hidden<" in profile and ">5<" not in profile
    # Only the figures: comments, the export, the report and the editor stay with the ICB team.
    for path in ("results/comments", "results/export.zip", "results/page", "results/report"):
        assert client.get(f"/staff/surveys/{icb_survey.id}/{path}").status_code == 404, path
    assert "results/comments" not in html and "results/report" not in html


def _places_in_csv(body: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(body)) for cell in row}


@pytest.mark.parametrize("by", ["place", "neighbourhood", "source", "age_band", "sex"])
def test_no_breakdown_lets_another_places_respondents_through(client, login_as, session, now, by):
    icb_survey = closed_survey(session, now)[0]
    lancashire = place(session, "lancashire")
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    forged = f"by={by}&place={lancashire.id}"
    page = client.get(f"/staff/surveys/{icb_survey.id}/results?{forged}")
    assert page.status_code == 200
    assert "22 people" not in page.text and "12 people" not in page.text
    download = client.get(f"/staff/surveys/{icb_survey.id}/results/crosstabs.csv?by={by}")
    assert download.status_code == 200
    assert "Lancashire" not in _places_in_csv(download.text)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    extra=st.fixed_dictionaries(
        {},
        optional={
            "age_band": st.sampled_from(["", "25-34", "65-74"]),
            "source": st.sampled_from(["", "Personal invitation", "Healthwatch"]),
            "answers": st.sampled_from([(), (("q1", "Car"),), (("q1", "Bus"),)]),
            "place_id": st.integers(min_value=1, max_value=12),
        },
    )
)
def test_any_filter_within_a_place_counts_at_most_that_places_respondents(
    session, icb_survey, extra
):
    blackpool = place(session, "blackpool").id
    within = ResultFilters(within_places=(blackpool,), **extra)
    everywhere = ResultFilters(**{**extra, "place_id": blackpool})
    counted = figures.respondents(session, icb_survey, within)
    # A forged place filter for another place finds nobody; any other filter finds exactly the
    # Blackpool respondents the same filter finds among everyone.
    if extra.get("place_id", blackpool) != blackpool:
        assert counted == 0
    else:
        assert counted == figures.respondents(session, icb_survey, everywhere) <= 10
