"""One validation path: the builder and the JSON import refuse exactly the same content with the
same messages; the import lists every problem with its place in the file, and no file (deep,
odd, huge or binary-laced) gives a 500 or stores anything."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from panel.auth.models import Role
from surveys.models import Survey
from surveys.services import authoring, lifecycle
from surveys.services.documents import SurveyFileProblems, export_document, read_document
from tests.factories import make_staff
from tests.surveys.helpers import good_questions, write_good_survey

GOOD = {**good_questions()[0], "key": "q9"}  # a single choice with four answers

#: one fault each: (what to change in a good question, where the problem is, what it says).
FAULTS = {
    "question too long": ({"text": "x" * 501}, "text", "500 characters or fewer (it has 501)"),
    "NUL in the question": ({"text": "Where\x00 next?"}, "text", "control characters"),
    "one answer": ({"options": ["Only one"]}, "options", "at least two answers"),
    "51 answers": ({"options": [f"A{i}" for i in range(51)]}, "options", "no more than 50"),
    "long answer": ({"options": ["Car", "b" * 201]}, "options[1]", "200 characters or fewer"),
    "repeated answer": ({"options": ["Car", "Bus", "Car"]}, "options[2]", "is given twice"),
    "answer on two lines": ({"options": ["Car", "Bus\nTrain"]}, "options[1]", "on one line"),
    "empty answer": ({"options": ["Car", "Bus", " "]}, "options[2]", "cannot be empty"),
    "answer not text": ({"options": ["Car", 7]}, "options[1]", "Expected text"),
    "unknown type": ({"type": "essay"}, "type", "is not a type of question"),
    "no such earlier question": (
        {"show_if": {"question": "q99", "equals": ["x"]}},
        "show_if.question",
        "no question 'q99'",
    ),
    "branch on an answer that does not exist": (
        {"show_if": {"question": "q1", "equals": ["Lorry"]}},
        "show_if.equals[0]",
        "“Lorry” is not one of the answers to 'q1'",
    ),
    "branch with no answers": (
        {"show_if": {"question": "q1", "equals": []}},
        "show_if.equals",
        "Give the answer",
    ),
    "branch on its own answer": (
        {"show_if": {"question": "q9", "equals": ["Car"]}},
        "show_if.question",
        "cannot depend on its own answer",
    ),
    "branch on a text question": (
        {"show_if": {"question": "q3", "equals": ["Buses"]}},
        "show_if.question",
        "'q3' asks for text or a number",
    ),
    "branch answers without a question": (
        {"show_if": {"question": "", "equals": ["Car"]}},
        "show_if.question",
        "Choose an earlier question",
    ),
    "answers on a text question": (
        {"type": "short_text", "max_length": None},
        "options",
        "Only questions with answers",
    ),
    "longest answer too big": (
        {"type": "number", "options": [], "max_length": 10**12},
        "max_length",
        "Enter 1 to",
    ),
    "help text too long": ({"help_text": "h" * 1001}, "help_text", "1,000 characters"),
    "bad key": ({"key": "q-9"}, "key", "letters, digits and _"),
    "required not true or false": ({"required": "yes"}, "required", "Expected true or false"),
    "Don't know asked for but missing": ({"dont_know": True}, "options", "“Don't know” is asked"),
}


def _builder_messages(survey, bad: dict, now) -> set[str]:
    before = json.dumps(survey.content, sort_keys=True)
    with pytest.raises(authoring.AuthoringError) as refused:
        authoring.save_question(survey, 0, bad, now)
    assert json.dumps(survey.content, sort_keys=True) == before  # nothing kept
    return {part for _field, message in refused.value.problems for part in message.split("; ")}


def _import_problems(survey, bad: dict):
    document = json.loads(json.dumps(export_document(survey)))
    document["pages"][0]["questions"].append(bad)
    with pytest.raises(SurveyFileProblems) as refused:
        read_document(document)
    return refused.value.problems


@pytest.fixture
def survey(session, now):
    return write_good_survey(session, make_staff(session, Role.COMMS), now)


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_the_builder_and_the_import_refuse_the_same_question_in_the_same_words(
    session, survey, now, fault
):
    change, place, words = FAULTS[fault]
    bad = {**GOOD, **change}
    problems = _import_problems(survey, bad)
    where = f"pages[0].questions[{len(survey.pages[0]['questions'])}].{place}"
    assert [p for p in problems if p.where == where and words in p.message], problems
    from_builder = _builder_messages(survey, bad, now)
    # The same messages, the builder naming the answer where the file gives its place.
    assert {p.for_field for p in problems} == from_builder


def test_the_builder_shows_each_problem_next_to_its_field_and_keeps_what_was_typed(
    session, client, login_as, survey
):
    login_as(session.get(type(survey.author), survey.author_id))
    session.commit()
    page = client.post(
        f"/staff/surveys/{survey.id}/pages/0/questions/new",
        data={
            "type": "single_choice",
            "text": "Which bus?",
            "options": "Number 5\n" + "x" * 201,
            "why_we_ask": "To plan.",
            "show_if_key": "q1",
            "show_if_values": "Lorry",
        },
    )
    assert page.status_code == 200 and "There is a problem" in page.text
    options = page.text.split('id="options-error"', 1)[1].split("</span>", 2)[1]
    assert "Answer 2: Keep the answer to 200 characters or fewer" in options
    assert "is not one of the answers to" in page.text.split('id="show_if_values-error"')[1]
    assert "Which bus?" in page.text and "Number 5" in page.text
    session.expire_all()
    assert "Which bus?" not in json.dumps(session.get(Survey, survey.id).content)


def test_an_import_lists_every_problem_with_its_place_in_the_file(survey):
    document = json.loads(json.dumps(export_document(survey)))
    questions = document["pages"][0]["questions"]
    questions[0]["options"][1] = "b" * 201
    questions[1]["show_if"] = {"question": "q3", "equals": ["x"]}  # a later question
    questions[2]["type"] = "essay"
    questions.append("not a question")
    document["pages"][1]["title"] = "About\x00you"
    document["title"] = 42
    with pytest.raises(SurveyFileProblems) as refused:
        read_document(document)
    places = {p.where for p in refused.value.problems}
    assert {
        "title",
        "pages[0].questions[0].options[1]",
        "pages[0].questions[1].show_if.question",
        "pages[0].questions[2].type",
        "pages[0].questions[3]",
        "pages[1].title",
    } <= places


def test_a_typo_correction_carries_the_conditions_on_the_corrected_answer(session, now):
    author, approver = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    survey = write_good_survey(session, author, now)
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, approver, now)
    lifecycle.publish(session, survey, approver, now)
    lifecycle.correct_typo(
        session,
        survey,
        author,
        "q1",
        survey.pages[0]["questions"][0]["text"],
        ["Cars", "Bus", "Walking", "Taxi"],
        "plural",
        now,
    )
    q2 = survey.pages[0]["questions"][1]
    assert q2["show_if"] == {"question": "q1", "equals": ["Cars"]}
    text = survey.pages[0]["questions"][0]["text"]
    with pytest.raises(lifecycle.LifecycleError, match="control characters"):
        lifecycle.correct_typo(
            session,
            survey,
            author,
            "q1",
            text,
            ["Cars\x00", "Bus", "Walking", "Taxi"],
            "a NUL",
            now,
        )


def _upload(client, raw: bytes):
    return client.post(
        "/staff/surveys/import",
        data={"file": (io.BytesIO(raw), "survey.json"), "place_id": "0"},
        content_type="multipart/form-data",
    )


def _file(**changes) -> bytes:
    question = {"key": "q1", "type": "single_choice", "text": "How?", "options": ["A", "B"]}
    document = {
        "format": "lsc-panel-survey",
        "version": 1,
        "title": "A survey",
        "pages": [{"title": "", "questions": [{**question, **changes}]}],
    }
    return json.dumps(document).encode()


NASTY_FILES = {
    "deeply nested": (b'{"pages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deep"),
    "nested in a field": (_file(help_text=json.loads("[" * 500 + "]" * 500)), "Expected text"),
    "a list": (b"[]", "Expected a survey (a JSON object), got a list"),
    "a string": (b'"survey"', "got text"),
    "null": (b"null", "got null"),
    "pages not a list": (_file().replace(b'"pages": [', b'"pages": "x", "p": ['), "pages"),
    "number too long to read": (_file().replace(b'"How?"', b"1" * 5000), "too long to be read"),
    "endless number": (
        _file(max_length=12345).replace(b"12345", b"1e999"),
        "got an endless number",
    ),
    "huge whole number": (_file(max_length=10**300), "questions[0].max_length"),
    "NaN": (_file().replace(b'"How?"', b"NaN"), "NaN is not a number JSON allows"),
    "very long question": (_file(text="x" * 200_000), "(it has 200,000)"),
    "NUL in the key": (_file(key="q\x001"), "questions[0].key"),
    "NUL in the type": (_file(type="single\x00"), "is not a type of question"),
    "lone surrogate": (_file(options=["A", "\ud800"]), "questions[0].options[1]"),
    "surrogate in a condition": (
        _file(show_if={"question": "\udfff", "equals": ["A"]}),
        "no question '\ufffd'",
    ),
    "not UTF-8": (b"\xff\xfe\x00", "not UTF-8"),
}


@pytest.mark.parametrize("name", NASTY_FILES, ids=list(NASTY_FILES))
def test_nasty_files_get_a_located_message_never_a_500_and_store_nothing(
    session, client, login_as, name
):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    raw, expected = NASTY_FILES[name]
    page = _upload(client, raw)
    assert page.status_code == 200, page.status_code
    assert "The file cannot be imported" in page.text
    assert expected in page.text.replace("&#39;", "'").replace("&#34;", '"')
    assert session.scalar(sa.select(sa.func.count(Survey.id))) == 0
