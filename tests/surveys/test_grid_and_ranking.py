"""Grid and ranking questions end to end: authored through the content rules, answered with
one field per row or per answer (errors next to the question, what was chosen kept), counted
so that every figure equals a recount by hand, exported to CSV and XLSX, and read by the
guidance checker without failing."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from surveys import compound
from surveys import content as doc
from surveys.fieldwork import answering
from surveys.fieldwork.answers import save_page
from surveys.fieldwork.tokens import PersonalLinks
from surveys.results import export, figures
from surveys.results.figures import ResultFilters
from surveys.services import authoring, checking, lifecycle
from surveys.services.documents import export_document
from surveys.validation import content_problems
from tests.factories import make_member, make_staff
from tests.surveys.helpers import plan
from tests.surveys.recount import sent

WHY = "To plan the new clinic."
ROWS = ["Parking", "Signs", "Waiting room"]
SCALE = ["Good", "Neither good nor poor", "Poor"]
RANKED = ["Shorter waits", "Evening clinics", "Closer to home", "Free parking"]


def grid(key="q1", required=True, rows=ROWS):
    return doc.question(
        key,
        "grid",
        "How good were these at the clinic?",
        why_we_ask=WHY,
        options=SCALE,
        rows=rows,
        required=required,
    )


def ranking(key="q2", required=True):
    return doc.question(
        key,
        "ranking",
        "Put these changes in order of importance to you",
        why_we_ask=WHY,
        options=RANKED,
        required=required,
    )


def live_compound_survey(session, now):
    """A live survey: page 1 a grid (q1) and a ranking (q2), page 2 an optional grid (q3)."""
    author, approver = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    opens, closes = now - timedelta(hours=1), now + timedelta(days=40)
    survey = authoring.create_survey(
        session, author, plan(opens_at=opens, closes_at=closes), now - timedelta(days=2)
    )
    authoring.save_question(survey, 0, grid(), now)
    authoring.save_question(survey, 0, ranking(), now)
    authoring.add_page(survey, "More", now)
    authoring.save_question(survey, 1, grid("q3", required=False, rows=["Food", "Toilets"]), now)
    session.flush()
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, approver, now)
    for finding in checking.check(session, survey).blocking:
        lifecycle.record_override(
            session,
            survey,
            author,
            finding.finding.rule,
            finding.finding.question_key or "",
            "Needed for this test.",
            now,
        )
    lifecycle.publish(session, survey, author, now)
    session.commit()
    return survey


# --- the content rules -------------------------------------------------------------------


def _one_question(question) -> dict:
    return {"pages": [{"title": "", "show_if": None, "questions": [question]}]}


def test_a_grid_needs_two_rows_and_a_scale():
    assert content_problems(_one_question(grid())) == []
    problems = content_problems(_one_question(grid(rows=["Only one"])))
    assert [(p.field, p.message) for p in problems] == [
        ("rows", "Give at least two rows, one per line")
    ]
    repeated = content_problems(_one_question(grid(rows=["Signs", "Signs"])))
    assert any("given twice" in p.message for p in repeated)


def test_a_ranking_orders_two_to_ten_answers():
    assert content_problems(_one_question(ranking())) == []
    too_many = {**ranking(), "options": [f"Answer {n}" for n in range(11)]}
    assert any("no more than 10" in p.message for p in content_problems(_one_question(too_many)))


def test_only_grids_carry_rows_so_other_questions_are_unchanged():
    assert "rows" in grid() and "rows" not in ranking()
    assert "rows" not in doc.question("q9", "single_choice", "Yes?", options=["Yes", "No"])


# --- answering ---------------------------------------------------------------------------


def _grid_form(question, chosen):
    return {compound.field_name(question, i): [value] for i, value in enumerate(chosen)}


def test_reading_a_grid_answer():
    question = grid()
    value, error = compound.read_answer(question, _grid_form(question, ["Good", "Poor", "Good"]))
    assert error is None and value == {"Parking": "Good", "Signs": "Poor", "Waiting room": "Good"}
    value, error = compound.read_answer(question, _grid_form(question, ["Good", "", "Poor"]))
    assert value is None and error == "Choose an answer for each row: Signs"
    _value, error = compound.read_answer(question, _grid_form(question, ["Good", "Bad", "Poor"]))
    assert error == "Choose one of the answers shown for each row"


def test_reading_a_ranking_answer():
    question = ranking()
    value, error = compound.read_answer(question, _grid_form(question, ["2", "4", "1", "3"]))
    assert error is None
    assert value == ["Closer to home", "Shorter waits", "Free parking", "Evening clinics"]
    _value, error = compound.read_answer(question, _grid_form(question, ["1", "1", "2", "3"]))
    assert error == "Give each answer a different rank: 1 is used more than once"
    _value, error = compound.read_answer(question, _grid_form(question, ["1", "", "2", "3"]))
    assert error == "Give every answer a rank from 1 to 4: Evening clinics has none"
    _value, error = compound.read_answer(question, _grid_form(question, ["1", "2", "3", "9"]))
    assert error == "Choose a rank from 1 to 4 for each"


@settings(max_examples=200, deadline=None)
@given(
    form=st.dictionaries(
        st.sampled_from(["q2.1", "q2.2", "q2.3", "q2.4", "q2.5", "q2", "x"]),
        st.lists(st.text(max_size=5), max_size=3),
    )
)
def test_any_ranking_input_is_an_answer_or_a_message(form):
    value, error = compound.read_answer(ranking(), form)
    if error is None and value is not None:
        assert sorted(value) == sorted(RANKED)
    assert value is None or error is None


def test_a_required_grid_left_blank_is_told(session, now):
    survey = live_compound_survey(session, now)
    response = answering.start_personal(session, survey, make_member(session).id, now)
    result = save_page(session, survey, response, 0, {}, now)
    assert result.errors == {
        "q1": "Choose an answer for each row",
        "q2": "Give every answer a rank",
    }


def test_the_answering_page_asks_each_row_and_keeps_a_refused_ranking(session, client, now):
    survey = live_compound_survey(session, now)
    member = make_member(session)
    session.commit()
    token = PersonalLinks(client.application.config["SECRET_KEY"]).make(survey.id, member.id)
    client.post(f"/s/{token}")
    page = client.get(f"/s/{token}/page/1")
    assert page.status_code == 200
    assert page.text.count('<fieldset class="nhsuk-fieldset"') >= len(ROWS)
    assert 'name="q1.1"' in page.text and 'name="q2.4"' in page.text
    refused = client.post(
        f"/s/{token}/page/1",
        data={"q1.1": "Good", "q1.2": "Poor", "q1.3": "Good"}
        | {"q2.1": "1", "q2.2": "1", "q2.3": "2", "q2.4": "3"},
    )
    assert refused.status_code == 400
    assert "Give each answer a different rank: 1 is used more than once" in refused.text
    assert 'id="q-q2-error"' in refused.text
    assert 'aria-describedby="q-q2-hint q-q2-error"' in refused.text  # read with each select
    assert '<option value="3" selected' in refused.text  # what was chosen is kept


# --- counting, exports and the checker ---------------------------------------------------


def _random_form(survey, index, rng) -> dict[str, list[str]]:
    form = {}
    for question in survey.pages[index]["questions"]:
        members = compound.members(question)
        if not question["required"] and rng.random() < 0.3:
            continue
        if question["type"] == "grid":
            form.update(_grid_form(question, [rng.choice(SCALE) for _ in members]))
        else:
            ranks = [str(r) for r in rng.sample(range(1, len(members) + 1), len(members))]
            form.update(_grid_form(question, ranks))
    return form


def _by_hand(session, survey) -> dict[str, tuple[int, dict]]:
    """Each part's answered count and values, from the stored answers, counted in Python."""
    people = sent(session, survey)
    found = {}
    for question in doc.questions(survey.content):
        for index, member in enumerate(compound.members(question)):
            key = compound.field_name(question, index)
            counts: Counter = Counter()
            for _response, answers in people:
                value = answers.get(question["key"])
                if question["type"] == "grid" and value:
                    counts[value[member]] += 1
                elif value:
                    counts[f"Ranked {value.index(member) + 1}"] += 1
            labels = compound.part_options(question)
            found[key] = (sum(counts.values()), {label: counts[label] for label in labels})
    return found


@pytest.fixture
def answered(session, now):
    survey = live_compound_survey(session, now)
    members = [make_member(session) for _ in range(4)]
    session.commit()
    return survey, members


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(steps=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**16)), min_size=1, max_size=6))
def test_grid_and_ranking_tallies_equal_a_recount(session, now, answered, steps):
    survey, members = answered
    for who, seed in steps:
        rng = random.Random(seed)
        response = answering.start_personal(session, survey, members[who].id, now)
        for index in range(len(survey.pages)):
            result = save_page(
                session, survey, response, index, _random_form(survey, index, rng), now
            )
            assert result.errors == {}
        answering.submit(session, survey, response, now)
        session.commit()
        results = figures.question_results(session, survey, ResultFilters())
        shown = {r.key: (r.answered, {o.label: o.count for o in r.options}) for r in results}
        assert shown == _by_hand(session, survey)


def test_exports_have_a_column_per_row_and_per_ranked_answer(session, now, answered):
    survey, members = answered
    response = answering.start_personal(session, survey, members[0].id, now)
    save_page(
        session,
        survey,
        response,
        0,
        {
            **_grid_form(grid(), ["Good", "Poor", "Neither good nor poor"]),
            **_grid_form(ranking(), ["2", "1", "4", "3"]),
        },
        now,
    )
    save_page(session, survey, response, 1, {}, now)
    answering.submit(session, survey, response, now)
    session.commit()
    body = export.export_zip(session, survey, ResultFilters())
    archive = zipfile.ZipFile(io.BytesIO(body))
    rows = list(csv.reader(io.StringIO(archive.read("responses.csv").decode("utf-8-sig"))))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["q1.1"] == "Good" and record["q1.2"] == "Poor"
    assert record["q2.1"] == "Ranked 2" and record["q2.2"] == "Ranked 1"
    assert record["q3.1"] == ""
    codebook = archive.read("codebook.csv").decode("utf-8-sig")
    assert "How good were these at the clinic? Signs (a row of a grid question)" in codebook
    from openpyxl import load_workbook  # noqa: PLC0415  slow to import; only this test needs it

    sheet = load_workbook(io.BytesIO(archive.read("responses.xlsx")))["Responses"]
    header = [cell.value for cell in sheet[1]]
    assert sheet[2][header.index("q2.3")].value == "Ranked 4"


def test_the_guidance_checker_reads_grids_and_rankings(session, now):
    author = make_staff(session, Role.COMMS)
    survey = authoring.create_survey(session, author, plan(), now)
    authoring.save_question(survey, 0, grid(), now)
    authoring.save_question(survey, 0, ranking(), now)
    report = checking.check(session, survey)
    assert report.question_count == 2
    assert export_document(survey)["pages"][0]["questions"][0]["rows"] == ROWS


def test_authoring_a_grid_and_a_ranking_through_the_builder(session, client, login_as, now):
    author = make_staff(session, Role.COMMS)
    survey = authoring.create_survey(session, author, plan(), now)
    session.commit()
    login_as(author)
    url = f"/staff/surveys/{survey.id}/pages/0/questions/new"
    form = {"text": "How good were these at the clinic?", "why_we_ask": WHY, "show_if_key": ""}
    refused = client.post(url, data={**form, "type": "grid", "options": "\n".join(SCALE)})
    assert refused.status_code == 200
    assert "Give at least two rows, one per line" in refused.text
    assert "Neither good nor poor" in refused.text  # what was typed is kept
    saved = client.post(
        url,
        data={**form, "type": "grid", "options": "\n".join(SCALE), "rows": "\n".join(ROWS)},
    )
    assert saved.status_code == 302
    ranked = {**form, "text": "Put these in order", "type": "ranking"}
    assert client.post(url, data={**ranked, "options": "\n".join(RANKED)}).status_code == 302
    session.expire_all()
    questions = doc.questions(session.get(type(survey), survey.id).content)
    assert [(q["type"], q.get("rows"), q["options"]) for q in questions] == [
        ("grid", ROWS, SCALE),
        ("ranking", None, RANKED),
    ]
    edit = client.get(f"/staff/surveys/{survey.id}/questions/q1")
    assert "Waiting room" in edit.text
