"""Results split and filtered by channel (issue 23 point 4): the staff page says how many came
by each channel and filters to one (a bad value is a message, never an error page), figures
under a filter equal a recount, and the public page pools the channels but says how many came
by each, small numbers hidden as everywhere else."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections import Counter

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from panel.disclosure import HIDDEN
from surveys.answer_codes import OTHER
from surveys.fieldwork import answering, branching, entry, invitations, paper
from surveys.fieldwork.answers import answers_of, save_page
from surveys.fieldwork.models import ResponseChannel, SurveyResponse
from surveys.results import export, figures, public, publishing
from surveys.results.figures import ResultFilters
from tests.factories import make_staff
from tests.surveys.fieldwork_helpers import live_survey
from tests.surveys.recount import recount, sent, shown
from tests.surveys.results_helpers import closed_survey

CHANNELS = [channel.value for channel in ResponseChannel if channel is not ResponseChannel.PARTNER]


def _form_for(page: dict, rng: random.Random) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {}
    for question in page["questions"]:
        key, kind = question["key"], question["type"]
        options = list(question.get("options") or [])
        if question.get("allow_other"):
            options.append(OTHER)
        if kind in ("single_choice", "rating_scale"):
            form[key] = [rng.choice(options)]
        elif kind == "multiple_choice":
            form[key] = rng.sample(options, rng.randint(1, len(options)))
        elif kind == "number":
            form[key] = [str(rng.randint(0, 300))]
        else:
            form[key] = [rng.choice(["More buses", ""])]
        form[f"{key}-other"] = ["A taxi"]
    return form


def _answer(session, survey, response, now, rng, *, send: bool) -> None:
    for index in range(len(survey.pages)):
        if index in branching.visible_pages(survey, answers_of(session, response)):
            save_page(session, survey, response, index, _form_for(survey.pages[index], rng), now)
    if send:
        answering.submit(session, survey, response, now)


@pytest.fixture
def live(session, now):
    survey, author = live_survey(session, now)
    link = invitations.create_open_link(session, survey, author, "Library", now)
    session.commit()
    return survey, author, link


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    people=st.lists(
        st.tuples(st.sampled_from(CHANNELS), st.booleans(), st.integers(0, 2**16)),
        min_size=1,
        max_size=8,
    )
)
def test_figures_filtered_by_channel_equal_a_recount(session, now, live, people):
    survey, author, link = live
    for channel, send, seed in people:
        if channel == "online":
            response, _token = answering.start_open(session, survey, link, now)
        else:
            copies = paper.make_paper_copies(session, survey, author, 1, now)
            typed = copies[0].reference if channel == "paper" else ""
            response, _token = entry.start_entry(session, survey, author, channel, typed, now)
        _answer(session, survey, response, now, random.Random(seed), send=send)
        session.commit()
    everyone = sent(session, survey)
    by_channel = Counter(r.channel.value for r, _a in everyone)
    counted = figures.channel_counts(session, survey, ResultFilters())
    assert {row["channel"]: row["n"] for row in counted} == dict(by_channel)
    assert sum(row["n"] for row in counted) == figures.respondents(session, survey, ResultFilters())
    for channel in CHANNELS:
        only = ResultFilters(channel=channel)
        assert shown(figures.question_results(session, survey, only)) == recount(
            session, survey, lambda r, c=channel: r.channel.value == c
        ), channel
        assert figures.respondents(session, survey, only) == by_channel.get(channel, 0)
        assert [row["n"] for row in figures.channel_counts(session, survey, only)] == (
            [by_channel[channel]] if by_channel.get(channel) else []
        )
    # The whole still pools every channel.
    assert shown(figures.question_results(session, survey, ResultFilters())) == recount(
        session, survey
    )


def _mark_channels(session, survey) -> None:
    """Of the 22 sent responses: 12 on paper, 3 by phone, 7 online."""
    responses = session.scalars(
        sa.select(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.status == "submitted")
        .order_by(SurveyResponse.id)
    ).all()
    assert len(responses) == 22
    for response in responses[:12]:
        response.channel = ResponseChannel.PAPER
    for response in responses[12:15]:
        response.channel = ResponseChannel.PHONE
    session.commit()


def test_the_staff_results_page_counts_and_filters_by_channel(client, login_as, session, now):
    survey, _author = closed_survey(session, now)
    _mark_channels(session, survey)
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    base = f"/staff/surveys/{survey.id}/results"
    html = client.get(base).text
    assert "How they answered" in html
    table = html.split('class="nhsuk-table app-channel-counts"', 1)[1].split("</table>", 1)[0]
    assert [row.split("</th>")[0].rsplit(">", 1)[1] for row in table.split("<tr")[2:]] == [
        "Online",
        "Paper copy",
        "Phone",
    ]
    assert ">12<" in table and ">3<" in table and ">7<" in table
    paper_only = client.get(f"{base}?channel=paper")
    assert paper_only.status_code == 200
    assert "12 people sent answers matching the filters" in paper_only.text
    crosstab = client.get(f"{base}?by=channel")
    assert crosstab.status_code == 200 and "By how they answered" in crosstab.text
    for bad in ("post", "PAPER", "online%27--", "x" * 300):
        page = client.get(f"{base}?channel={bad}")
        assert page.status_code == 200, bad
        assert "Not a valid choice" in page.text and "22 people sent answers" in page.text


def test_others_read_the_channel_counts_with_small_numbers_hidden(client, login_as, session, now):
    survey, _author = closed_survey(session, now)
    _mark_channels(session, survey)
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    html = client.get(f"/staff/surveys/{survey.id}/results").text
    table = html.split('class="nhsuk-table app-channel-counts"', 1)[1].split("</table>", 1)[0]
    assert ">12<" in table and ">3<" not in table and ">7<" not in table
    assert table.count(">hidden<") == 2


def test_the_public_page_pools_the_channels_and_says_how_many_came_by_each(
    app, client, session, now
):
    survey, author = closed_survey(session, now)
    _mark_channels(session, survey)
    page = publishing.save_page(
        session,
        survey,
        author,
        {
            "why_we_asked": "To plan the bus.",
            "what_you_said": "Most came by bus.",
            "next_steps": "A trial.",
            "featured_questions": ["q1"],
        },
        now,
    )
    with app.test_request_context():
        shown_figures = public.public_figures(session, survey, page)
    assert shown_figures.respondents == 22  # every channel together
    assert [(row["label"], row["n"]) for row in shown_figures.by_channel] == [
        ("Online", HIDDEN),
        ("Paper copy", 12),
        ("Phone", HIDDEN),
    ]
    page.published_at = now
    session.commit()
    html = client.get(f"/engagement/{survey.id}").text
    assert "How people answered" in html and "Paper copy" in html
    assert "22 people sent answers." in html


def test_the_export_says_how_each_response_came_and_follows_the_channel_filter(session, now):
    survey, _author = closed_survey(session, now)
    _mark_channels(session, survey)
    archive = zipfile.ZipFile(
        io.BytesIO(export.export_zip(session, survey, ResultFilters(channel="phone")))
    )
    rows = list(csv.reader(io.StringIO(archive.read("responses.csv").decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert [row[header.index("channel")] for row in body] == ["phone"] * 3
