"""Open data (issue 24 point 5): every released cell of the CSV and JSON files rests on more
people than the small-number rule allows, alone or by subtraction from the totals released
beside it; the CSV, the JSON and the public page agree; the Atom feed lists only what is
published and is well formed; the files and pages are read from one declaration of columns."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from panel.auth.models import Role
from panel.csv_export import spreadsheet_safe
from panel.disclosure import HIDDEN
from surveys import content as doc
from surveys.answer_codes import encode, layout_of
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.models import ResultsPage, Survey, SurveyStatus
from surveys.open_data import datasets, feed, files
from surveys.results import figure_cache, public
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import made_decision

LIMIT = 7
OPTIONS = ["Car", "Bus", "Train", "Walk"]
STOPS = ["Town", "Station", "Hospital"]
PLACES = ("blackpool", "lancashire", "south-cumbria")
ATOM = "{http://www.w3.org/2005/Atom}"


def _published_survey(session, now, answers: list[tuple[int, int, frozenset]], title="Travel"):
    """A closed survey with published results: each answer is (place, option, stops)."""
    questions = [
        doc.question("q1", "single_choice", "How do you travel?", why_we_ask="T.", options=OPTIONS),
        doc.question("q2", "multiple_choice", "Where to?", why_we_ask="T.", options=STOPS),
    ]
    survey = Survey(
        title=title,
        status=SurveyStatus.CLOSED,
        purpose="Test.",
        content={"pages": [{"title": "", "show_if": None, "questions": questions}]},
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
    )
    session.add(survey)
    session.flush()
    layout = layout_of(survey.content)
    place_ids = [place(session, code).id for code in PLACES]
    if answers:
        session.execute(
            sa.insert(SurveyResponse),
            [
                {
                    "survey_id": survey.id,
                    "status": ResponseStatus.SUBMITTED,
                    "furthest_page": 1,
                    "started_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                    "source": "Healthwatch",
                    "place_id": place_ids[where],
                    "answer_codes": encode(
                        layout,
                        {"q1": OPTIONS[option], **({"q2": sorted(stops)} if stops else {})},
                    ),
                }
                for where, option, stops in answers
            ],
        )
    page = ResultsPage(
        survey_id=survey.id,
        why_we_asked="To plan.",
        what_you_said="Things.",
        next_steps="More.",
        featured_questions=["q1", "q2"],
        published_at=now - timedelta(days=1),
    )
    session.add(page)
    session.flush()
    return survey, page


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _as_csv_cell(value) -> str:
    """A JSON value as the CSV file writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)


def _released(slug, session, now, app) -> tuple[list[dict], list[dict]]:
    """The dataset's rows as released: (CSV rows, JSON rows), checked to be the same cells."""
    chosen = datasets.dataset(slug)
    rows = chosen.rows(session, now)
    from_csv = _csv_rows(files.csv_file(chosen, rows))
    from_json = json.loads(
        app.json.dumps(files.json_document(chosen, rows, "https://example.org/dictionary"))
    )["rows"]
    assert [list(row) for row in from_csv] == [chosen.names] * len(from_csv)
    assert from_csv == [{k: _as_csv_cell(v) for k, v in row.items()} for row in from_json]
    return from_csv, from_json


def _small(value) -> bool:
    return value is not None and 1 <= value <= LIMIT


def _check_line(total, cells, what):
    """No released cell is small, and the hidden cells of a line whose total is released add up
    to 0 or more than the limit (so none of them can be worked out by subtraction)."""
    assert not _small(total) and not any(_small(cell) for cell in cells), what
    if total is not None and None in cells:
        worked_out = total - sum(cell for cell in cells if cell is not None)
        assert worked_out == 0 or worked_out > LIMIT, what


answers_strategy = st.lists(
    st.tuples(
        st.integers(0, len(PLACES) - 1),
        st.sampled_from([0, 0, 1, 1, 2, 3]),
        st.frozensets(st.sampled_from(STOPS), max_size=2),
    ),
    max_size=45,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=answers_strategy)
def test_no_released_cell_rests_on_fewer_people_than_the_rule_allows(app, session, now, answers):
    survey, page = _published_survey(session, now, answers)
    with app.test_request_context():
        results, _ = _released("survey-results", session, now, app)
        respondents, _ = _released("survey-respondents", session, now, app)
        shown = public.public_figures(session, survey, page)

    def number(cell: str):
        return None if cell == "" else int(cell)

    mine = [row for row in results if row["survey_id"] == str(survey.id)]
    for key in ("q1", "q2"):
        rows = [row for row in mine if row["question_key"] == key]
        if not answers:
            assert rows == [] or all(row["count"] == "0" for row in rows)
            continue
        answered = {number(row["answered"]) for row in rows}
        assert len(answered) == 1
        counts = [number(row["count"]) for row in rows]
        for row in rows:
            assert (row["share"] == "") == (row["count"] == "" or row["answered"] == "0")
        if key == "q1":  # one answer each: the options add up to the people who answered
            _check_line(answered.pop(), counts, (key, rows))
        else:
            assert not any(_small(cell) for cell in counts), rows
    by_place = [row for row in respondents if row["survey_id"] == str(survey.id)]
    if by_place:
        totals = {number(row["all_respondents"]) for row in by_place}
        assert len(totals) == 1
        _check_line(totals.pop(), [number(row["respondents"]) for row in by_place], by_place)
    # The files say what the page says (the same service, the same hidden cells).
    page_cells = [
        (question.key, label, None if count == HIDDEN else count)
        for question in shown.questions
        for label, count, _share in question.options
    ]
    file_cells = [(row["question_key"], row["option_label"], number(row["count"])) for row in mine]
    assert file_cells == page_cells


def test_the_files_follow_a_change_to_the_answers_at_once(app, session, now):
    survey, page = _published_survey(session, now, [(0, 1, frozenset())] * 12)
    with app.test_request_context():
        before = datasets.RESPONDENTS.rows(session, now)
        # Behind the application's back: the triggers still give the survey a new mark.
        session.execute(
            sa.delete(SurveyResponse).where(
                SurveyResponse.id.in_(
                    sa.select(SurveyResponse.id)
                    .where(SurveyResponse.survey_id == survey.id)
                    .limit(3)
                    .scalar_subquery()
                )
            )
        )
        after = datasets.RESPONDENTS.rows(session, now)
        recount = public.public_figures(session, survey, page)
    assert [row["all_respondents"] for row in before] == [12]
    assert [row["all_respondents"] for row in after] == [9] == [recount.respondents]


def test_kept_figures_are_reused_until_a_place_is_renamed(app, session, now):
    survey, page = _published_survey(session, now, [(0, 1, frozenset())] * 9)
    with app.test_request_context():
        first = figure_cache.public_figures(session, survey, page)
        assert figure_cache.public_figures(session, survey, page) is first
        place(session, PLACES[0]).name = "Blackpool and the Fylde Coast"
        session.flush()
        renamed = figure_cache.public_figures(session, survey, page)
    assert renamed is not first
    assert [row["name"] for row in renamed.by_place] == ["Blackpool and the Fylde Coast"]


def test_csv_cells_are_safe_to_open_in_a_spreadsheet(app, session, now):
    _published_survey(session, now, [(0, 1, frozenset())] * 9, title="=HYPERLINK(1)")
    with app.test_request_context():
        results, from_json = _released("survey-results", session, now, app)
    assert {row["survey_title"] for row in results} == {"'=HYPERLINK(1)"}
    assert {row["survey_title"] for row in from_json} == {"=HYPERLINK(1)"}


def _table_cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<td class="nhsuk-table__cell[^"]*">(.*?)</td>', html, re.S)
    ]


def test_the_page_the_csv_and_the_json_agree(client, session, now):
    # Car 9, Bus 12, Train 2, Walk 1: Train and Walk are small, and Car is hidden beside them
    # so that their sum (3) cannot be worked out from the 24 who answered.
    answers = [(0, 0, frozenset())] * 9 + [(1, 1, frozenset({"Town"}))] * 12
    answers += [(1, 2, frozenset())] * 2 + [(2, 3, frozenset())]
    survey, _page = _published_survey(session, now, answers)
    session.commit()
    page_cells = _table_cells(client.get(f"/engagement/{survey.id}").get_data(as_text=True))
    csv_text = client.get("/open-data/survey-results.csv").get_data(as_text=True)
    document = client.get("/open-data/survey-results.json").get_json()
    rows = _csv_rows(csv_text)
    assert rows == [{k: _as_csv_cell(v) for k, v in row.items()} for row in document["rows"]]
    # The page's tables: people by place (3 places), people by how they answered (all 24
    # online), then each question's options (count, share) and who answered (count, empty).
    from_page = []
    for key in ("q1", "q2"):
        for row in (row for row in rows if row["question_key"] == key):
            share = f"{float(row['share']):.1%}" if row["share"] else ""
            from_page += [row["count"] or "hidden", share]
        from_page += [next(r["answered"] for r in rows if r["question_key"] == key), ""]
    assert page_cells[3] == "24"
    assert page_cells[4:] == from_page
    assert [row["count"] for row in rows if row["question_key"] == "q1"] == ["", "12", "", ""]
    respondents = client.get("/open-data/survey-respondents.csv").get_data(as_text=True)
    assert [(r["lives_in"], r["respondents"]) for r in _csv_rows(respondents)] == [
        ("Blackpool", ""),
        ("Lancashire", "14"),
        ("South Cumbria", ""),
    ]
    assert page_cells[:3] == ["hidden", "14", "hidden"]


def test_open_data_pages_describe_every_column_and_the_licence(client):
    index = client.get("/open-data/").get_data(as_text=True)
    dictionary = client.get("/open-data/dictionary").get_data(as_text=True)
    assert "Open Government Licence v3.0" in index and datasets.LICENCE_URL in index
    for chosen in datasets.DATASETS.values():
        assert f"/open-data/{chosen.slug}.csv" in index
        assert f"/open-data/{chosen.slug}.json" in index
        for column in chosen.columns:
            assert f"<code>{column.name}</code>" in dictionary
        answer = client.get(f"/open-data/{chosen.slug}.csv")
        assert answer.mimetype == "text/csv"
        assert datasets.LICENCE_URL in answer.headers["Link"]
        assert answer.get_data(as_text=True).splitlines()[0] == ",".join(chosen.names)
        document = client.get(f"/open-data/{chosen.slug}.json").get_json()
        assert [c["name"] for c in document["columns"]] == chosen.names
        assert document["licence"]["name"] == "Open Government Licence v3.0"
    assert client.get("/open-data/members.csv").status_code == 404


def test_the_feed_lists_only_published_results_and_decisions(app, client, session, now):
    shown, _page = _published_survey(session, now, [(0, 1, frozenset())] * 9, title="Shown")
    hidden, hidden_page = _published_survey(session, now, [], title="Not yet")
    hidden_page.published_at = None
    user = make_staff(session, Role.COMMS)
    decision = made_decision(session, user, shown, now)
    session.commit()
    answer = client.get("/open-data/feed.atom")
    assert answer.mimetype == "application/atom+xml"
    root = etree.fromstring(answer.get_data())
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.findall(f"{ATOM}entry")):
        assert element.findtext(f"{ATOM}id").startswith("http")
        assert element.findtext(f"{ATOM}title")
        assert re.match(r"\d{4}-\d\d-\d\dT", element.findtext(f"{ATOM}updated"))
        assert element.find(f"{ATOM}link[@rel='alternate']") is not None
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/open-data/feed.atom")
    ids = [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == 2
    assert any(i.endswith(f"/engagement/{shown.id}") for i in ids)
    assert any(i.endswith(f"/decisions/{decision.id}") for i in ids)
    assert not any(i.endswith(f"/engagement/{hidden.id}") for i in ids)
    with app.test_request_context():
        assert [e["id"] for e in feed.feed_entries(session)] == ids
