"""Branching only points back to existing questions with answers to choose from, and uses their
own answers: for a question's "show only if" (a follow-up on its own page, or a later page's)
and a page's (earlier pages only), in the builder (the message next to the rule) and in the
JSON import (the message with its place in the file), and after any later change."""

from __future__ import annotations

import json
import re

import pytest

from panel.auth.models import Role
from surveys import content as doc
from surveys.models import Survey
from surveys.services import authoring, lifecycle
from surveys.services.documents import SurveyFileProblems, export_document, read_document
from tests.factories import make_staff
from tests.surveys.helpers import write_good_survey

# The good survey: page 1 has q1 (Car, Bus, Walking, Taxi), q2 (only for Car) and q3 (long
# text); page 2 the equality questions (eq_sex first).

#: a page's rule that can never be met: (page index, rule, where, form field, what is said).
PAGE_FAULTS = {
    "on a question of its own page": (
        0,
        {"question": "q1", "equals": ["Car"]},
        "show_if.question",
        "show_if_key",
        "A page can only depend on a question on an earlier page: 'q1' is on this page",
    ),
    "on a question of a later page": (
        0,
        {"question": "eq_sex", "equals": ["Female"]},
        "show_if.question",
        "show_if_key",
        "'eq_sex' is on page 2, after this one",
    ),
    "on no such question": (
        1,
        {"question": "q99", "equals": ["Car"]},
        "show_if.question",
        "show_if_key",
        "there is no question 'q99'",
    ),
    "on an answer the question does not have": (
        1,
        {"question": "q1", "equals": ["Car", "Lorry"]},
        "show_if.equals[1]",
        "show_if_values",
        "“Lorry” is not one of the answers to 'q1'",
    ),
    "on a text question": (
        1,
        {"question": "q3", "equals": ["More buses"]},
        "show_if.question",
        "show_if_key",
        "'q3' asks for text or a number, so no answer to it can be listed",
    ),
    "with a question but no answers": (
        1,
        {"question": "q1", "equals": []},
        "show_if.equals",
        "show_if_values",
        "Give the answer (or answers) that show this page",
    ),
    "with answers but no question": (
        1,
        {"question": "", "equals": ["Car"]},
        "show_if.question",
        "show_if_key",
        "Choose an earlier question",
    ),
}


@pytest.fixture
def author(session):
    return make_staff(session, Role.COMMS)


@pytest.fixture
def survey(session, author, now):
    return write_good_survey(session, author, now)


def _document(survey) -> dict:
    return json.loads(json.dumps(export_document(survey)))


@pytest.mark.parametrize("fault", PAGE_FAULTS, ids=list(PAGE_FAULTS))
def test_a_page_rule_that_can_never_be_met_is_refused_by_the_builder_and_the_import(
    survey, now, fault
):
    page, rule, where, field, words = PAGE_FAULTS[fault]
    before = json.dumps(survey.content, sort_keys=True)
    with pytest.raises(authoring.AuthoringError) as refused:
        authoring.change_page(survey, page, "A page", rule, now)
    assert json.dumps(survey.content, sort_keys=True) == before
    told = dict(refused.value.problems)
    assert words in told.get(field, ""), refused.value.problems  # next to the rule's field
    document = _document(survey)
    document["pages"][page]["show_if"] = rule
    with pytest.raises(SurveyFileProblems) as in_file:
        read_document(document)
    located = [p for p in in_file.value.problems if p.where == f"pages[{page}].{where}"]
    assert located and words in located[0].message, in_file.value.problems
    assert located[0].for_field in told[field]  # the same words in both


def test_a_page_may_depend_on_an_earlier_pages_question_and_its_own_answers(survey, now):
    authoring.change_page(survey, 1, "About you", {"question": "q1", "equals": ["Bus"]}, now)
    assert survey.pages[1]["show_if"] == {"question": "q1", "equals": ["Bus"]}


#: a question's rule that can never be met, on q1 (the first question) or q2.
QUESTION_FAULTS = {
    "on a later question on its page": (
        "q1",
        {"question": "q2", "equals": ["Easy"]},
        "'q2' comes after this one",
    ),
    "on a question on a later page": (
        "q2",
        {"question": "eq_sex", "equals": ["Female"]},
        "'eq_sex' comes after this one",
    ),
    "on itself": (
        "q2",
        {"question": "q2", "equals": ["Easy"]},
        "A question cannot depend on its own answer",
    ),
}


@pytest.mark.parametrize("fault", QUESTION_FAULTS, ids=list(QUESTION_FAULTS))
def test_a_question_rule_pointing_forward_is_refused_by_the_builder_and_the_import(
    survey, now, fault
):
    key, rule, words = QUESTION_FAULTS[fault]
    question = next(q for q in doc.questions(survey.content) if q["key"] == key)
    with pytest.raises(authoring.AuthoringError) as refused:
        authoring.save_question(survey, 0, {**question, "show_if": rule}, now)
    assert words in dict(refused.value.problems)["show_if_key"]
    document = _document(survey)
    index = [q["key"] for q in document["pages"][0]["questions"]].index(key)
    document["pages"][0]["questions"][index]["show_if"] = rule
    with pytest.raises(SurveyFileProblems) as in_file:
        read_document(document)
    where = f"pages[0].questions[{index}].show_if.question"
    assert [p for p in in_file.value.problems if p.where == where and words in p.message]


def test_a_follow_up_on_the_same_page_is_allowed(survey):
    # q2 is shown on page 1 once q1 is answered "Car" (the page comes back with it).
    assert survey.pages[0]["questions"][1]["show_if"] == {"question": "q1", "equals": ["Car"]}
    read_document(_document(survey))


def test_later_changes_that_would_break_a_rule_are_refused_saying_which_rule(survey, now):
    q1 = survey.pages[0]["questions"][0]
    changes = {
        "an answer a rule uses removed": (
            lambda: authoring.save_question(survey, 0, {**q1, "options": ["Bus", "Walking"]}, now),
            "Question q2: “Car” is not one of the answers to 'q1'",
        ),
        "the question made free text": (
            lambda: authoring.save_question(
                survey, 0, {**q1, "type": "short_text", "options": []}, now
            ),
            "Question q2: Choose a question with answers to choose from",
        ),
        "the follow-up moved above it": (
            lambda: authoring.move_question(survey, "q2", -1, now),
            "Question q2: Choose an earlier question for 'show only if': 'q1' comes after",
        ),
    }
    before = json.dumps(survey.content, sort_keys=True)
    for name, (change, words) in changes.items():
        with pytest.raises(authoring.AuthoringError) as refused:
            change()
        assert any(words in message for _f, message in refused.value.problems), name
        assert json.dumps(survey.content, sort_keys=True) == before, name


def test_a_typo_correction_carries_every_rule_on_the_corrected_answer(session, author, now):
    approver = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, author, now)
    authoring.change_page(survey, 1, "About you", {"question": "q1", "equals": ["Car", "Bus"]}, now)
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
    assert survey.pages[1]["show_if"] == {"question": "q1", "equals": ["Cars", "Bus"]}
    assert survey.pages[0]["questions"][1]["show_if"] == {"question": "q1", "equals": ["Cars"]}
    read_document(export_document(survey))  # every rule still holds


# --- in the builder's pages --------------------------------------------------------------------


@pytest.fixture
def signed_in(session, login_as, author, survey):
    session.commit()
    login_as(author)
    return survey


def _options(html: str, select_id: str) -> list[str]:
    select = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_builder_offers_only_earlier_questions_with_answers_named_with_them(client, signed_in):
    survey = signed_in
    new_on_page_1 = client.get(f"/staff/surveys/{survey.id}/pages/0/questions/new").text
    assert _options(new_on_page_1, "show_if_key") == ["", "q1", "q2"]  # not q3, nor page 2's
    assert "(answers: Car | Bus | Walking | Taxi)" in new_on_page_1
    assert "Use that question&#39;s own answers, exactly as it gives them" in new_on_page_1
    assert _options(client.get(f"/staff/surveys/{survey.id}/questions/q2").text, "show_if_key") == [
        "",
        "q1",
    ]
    new_on_page_2 = client.get(f"/staff/surveys/{survey.id}/pages/1/questions/new").text
    assert {"q1", "q2", "eq_sex"} <= set(_options(new_on_page_2, "show_if_key"))
    detail = client.get(f"/staff/surveys/{survey.id}").text
    assert _options(detail, "page-show-if-1") == ["", "q1", "q2"]
    assert "Only a question on an earlier page" in detail


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        (
            {"show_if_key": "q1", "show_if_values": "Car | Lorry"},
            "page-show-if-values-1",
            "“Lorry” is not one of the answers to &#39;q1&#39;",
        ),
        (
            {"show_if_key": "q3", "show_if_values": "Buses"},
            "page-show-if-1",
            "&#39;q3&#39; asks for text or a number",
        ),
        (
            {"show_if_key": "", "show_if_values": "Car"},
            "page-show-if-1",
            "Choose an earlier question",
        ),
        (
            {"show_if_key": "q1", "show_if_values": ""},
            "page-show-if-values-1",
            "Give the answer (or answers) that show this page",
        ),
    ],
)
def test_a_refused_page_rule_is_told_next_to_the_rule_keeping_what_was_typed(
    session, client, signed_in, rule, field, words
):
    survey = signed_in
    page = client.post(
        f"/staff/surveys/{survey.id}/pages",
        data={"action": "rename", "page": "1", "title": "Travel", **rule},
    )
    assert page.status_code == 200 and "There is a problem" in page.text
    assert f'href="#{field}"' in page.text  # the summary links to the rule
    message = page.text.split(f'id="{field}-error"', 1)[1].split("</span>", 2)[1]
    assert words in message
    form = page.text.split(f'id="{field}-error"', 1)[0].rsplit("<form", 1)[1]
    assert 'value="Travel"' in form and 'name="page" value="1"' in form
    assert f'value="{rule["show_if_values"]}"' in page.text
    session.expire_all()
    assert session.get(Survey, survey.id).pages[1]["show_if"] is None


def test_answers_typed_without_choosing_a_question_are_told_next_to_the_rule(
    session, client, signed_in
):
    survey = signed_in
    page = client.post(
        f"/staff/surveys/{survey.id}/pages/0/questions/new",
        data={
            "type": "single_choice",
            "text": "Which bus?",
            "options": "5\n14",
            "why_we_ask": "To plan.",
            "show_if_key": "",
            "show_if_values": "Bus",
        },
    )
    assert page.status_code == 200
    message = page.text.split('id="show_if_key-error"', 1)[1].split("</span>", 2)[1]
    assert "Choose an earlier question" in message
    assert 'value="Bus"' in page.text
