"""Generated surveys through the one validation path, on whichever database the suite runs on:
every survey the builder accepts exports, imports back unchanged and can be published through
the app's own services; every broken file is refused with each problem at its place, and
nothing is stored."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey, SurveyStatus
from surveys.services import authoring, lifecycle
from surveys.services.documents import export_document, parse_import
from surveys.validation import OPTIONS_MAX, TEXT_MAX, TITLE_MAX
from tests.factories import make_staff
from tests.surveys.helpers import plan
from tests.surveys.survey_strategies import SurveyRecipe, one_line, survey_recipes

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _build(session, author, recipe: SurveyRecipe, title: str, now) -> Survey:
    """The survey made as an author makes it, through the builder's services."""
    survey = authoring.create_survey(session, author, plan(title=title), now)
    authoring.change_page(survey, 0, recipe.page_titles[0], None, now)
    for page_title in recipe.page_titles[1:]:
        authoring.add_page(survey, page_title, now)
    for p, questions in enumerate(recipe.questions):
        for question in questions:
            authoring.save_question(survey, p, question, now)
    for p, condition in enumerate(recipe.page_conditions):
        if condition is not None:
            authoring.change_page(survey, p, recipe.page_titles[p], condition, now)
    if recipe.equality_block:
        authoring.add_equality_block(survey, now)
    return survey


def _publish(session, survey: Survey, author, approver, now) -> None:
    """Dates, review, a second person's approval, a reason for every error the guidance allows
    to be overridden, then publish: as the survey pages do it."""
    authoring.update_plan(session, survey, author, plan(title=survey.title), now)
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, approver, now)
    for finding in lifecycle.checking.check(session, survey).blocking:
        lifecycle.record_override(
            session,
            survey,
            author,
            finding.finding.rule,
            finding.finding.question_key or "",
            "Generated survey: accepted for this test.",
            now,
        )
    lifecycle.publish(session, survey, approver, now)


def test_every_survey_the_builder_accepts_round_trips_and_publishes(session, now):
    author, approver = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    session.commit()

    @SETTINGS
    @given(recipe=survey_recipes(), title=one_line(40, TITLE_MAX))
    def round_trip(recipe, title):
        original = _build(session, author, recipe, title, now)
        assert original.content == recipe.content()  # the services and the document agree
        text = json.dumps(export_document(original), ensure_ascii=False).encode()
        copy = authoring.import_survey(session, author, parse_import(text), None, now)
        assert copy.content == original.content
        assert (copy.title, copy.purpose, copy.decision) == (
            original.title,
            original.purpose,
            original.decision,
        )
        _publish(session, copy, author, approver, now + timedelta(minutes=1))
        session.commit()
        session.expire_all()
        stored = session.get(Survey, copy.id)
        assert stored.status is SurveyStatus.LIVE and stored.content == original.content
        snapshot = lifecycle.snapshots(session, stored)[0]
        assert json.loads(snapshot.document)["pages"] == original.content["pages"]

    round_trip()


# Ways to break one part of a valid file, each with where the problem must be reported.
def _break_question(draw, document: dict, p: int, i: int, others: set) -> str:
    question = document["pages"][p]["questions"][i]
    where = f"pages[{p}].questions[{i}]"
    order = [
        q["key"] for page in document["pages"] for q in page["questions"] if isinstance(q, dict)
    ]
    # Untouched questions after this one (a broken one might no longer be a question at all).
    later = [key for key in order[order.index(question["key"]) + 1 :] if key not in others]
    kinds = ["long text", "NUL", "bad key", "unknown type", "required", "limit", "not object"]
    if question["type"] in CHOICE_TYPES:
        kinds += ["long answer", "too many answers", "answer twice"]
    if later:
        kinds.append("forward branch")
    kind = draw(st.sampled_from(kinds))
    if kind == "long text":
        question["text"] = draw(st.sampled_from("xé𝔘")) * (TEXT_MAX + 1)
        return f"{where}.text"
    if kind == "NUL":
        at = draw(st.integers(0, len(question["text"])))
        question["text"] = (
            question["text"][:at]
            + draw(st.sampled_from("\x00\x07\ud800"))
            + (question["text"][at:])
        )
        return f"{where}.text"
    if kind == "bad key":
        question["key"] = draw(st.sampled_from(["q 1", "1q", "q-1", "", "é", "q" * 61]))
        return f"{where}.key"
    if kind == "unknown type":
        question["type"] = draw(st.sampled_from(["essay", "", "SINGLE_CHOICE", "\x00"]))
        return f"{where}.type"
    if kind == "required":
        question["required"] = draw(st.sampled_from(["yes", 1, 0, [], {}]))
        return f"{where}.required"
    if kind == "limit":
        question["max_length"] = (
            5
            if question["type"] in CHOICE_TYPES
            else draw(st.sampled_from([0, -1, 10**12, 10**300]))
        )
        return f"{where}.max_length"
    if kind == "not object":
        document["pages"][p]["questions"][i] = draw(st.sampled_from([42, "q1", None, [], True]))
        return where
    if kind == "long answer":
        j = draw(st.integers(0, len(question["options"]) - 1))
        question["options"][j] = "o" * 201
        return f"{where}.options[{j}]"
    if kind == "too many answers":
        question["options"] = [f"Answer {n}" for n in range(OPTIONS_MAX + 1)]
        return f"{where}.options"
    if kind == "answer twice":
        question["options"].append(question["options"][0])
        return f"{where}.options[{len(question['options']) - 1}]"
    question["show_if"] = {"question": draw(st.sampled_from(later)), "equals": ["x"]}
    return f"{where}.show_if.question"


@st.composite
def broken_files(draw):
    """A valid survey file with one to four of its parts broken, and where each break is."""
    recipe = draw(survey_recipes(max_pages=3, max_per_page=3))
    document = {
        "format": "lsc-panel-survey",
        "version": 1,
        "title": "A generated survey",
        "plan": {"purpose": "To test."},
        "pages": recipe.content()["pages"],
    }
    positions = [
        (p, i) for p, page in enumerate(document["pages"]) for i in range(len(page["questions"]))
    ]
    chosen = draw(st.lists(st.sampled_from(positions), min_size=0, max_size=3, unique=True))
    touched = {document["pages"][p]["questions"][i]["key"] for p, i in chosen}
    expected = [_break_question(draw, document, p, i, touched) for p, i in chosen]
    extra = draw(
        st.lists(
            st.sampled_from(["title", "page title", "purpose"]),
            unique=True,
            min_size=0 if expected else 1,
        )
    )
    if "title" in extra:
        document["title"] = draw(st.sampled_from(["x" * (TITLE_MAX + 1), "A\x00B", "", 7]))
        expected.append("title")
    if "page title" in extra:
        document["pages"][-1]["title"] = "P\x00" if draw(st.booleans()) else "p" * 151
        expected.append(f"pages[{len(document['pages']) - 1}].title")
    if "purpose" in extra:
        document["plan"]["purpose"] = draw(st.sampled_from(["p" * 5001, ["a"], "\x1b[31m"]))
        expected.append("plan.purpose")
    return document, expected


def test_every_broken_file_is_refused_with_each_problem_at_its_place(session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()

    @settings(SETTINGS, max_examples=50)
    @given(broken=broken_files())
    def refused(broken):
        document, expected = broken
        raw = json.dumps(document).encode()  # \u escapes, so a lone surrogate can be sent
        page = client.post(
            "/staff/surveys/import",
            data={"file": (io.BytesIO(raw), "survey.json"), "place_id": "0"},
            content_type="multipart/form-data",
        )
        assert page.status_code == 200, page.status_code
        assert "The file cannot be imported" in page.text
        shown = set(page.text.split("<code>")[2:])  # after the explanation's example
        for where in expected:
            assert any(item.startswith(f"{where}</code>") for item in shown), (where, expected)
        assert session.scalar(sa.select(sa.func.count(Survey.id))) == 0

    refused()
