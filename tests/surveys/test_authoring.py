"""Writing surveys through the services: the document operations, the guidance as it is
written, sign-off by a second person, publishing with a snapshot, typo corrections, import."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from panel.auth.models import Role
from surveys import content as doc
from surveys.guidance.spec import SurveyFormatError
from surveys.models import SurveyStatus
from surveys.services import authoring, checking, lifecycle
from surveys.services.documents import (
    canonical_text,
    export_document,
    parse_import,
    sha256_of,
)
from tests.factories import make_staff
from tests.surveys.helpers import good_questions, plan, write_good_survey


@pytest.fixture
def people(session):
    return make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)


def test_questions_move_across_pages_duplicate_and_delete(session, people, now):
    author, _ = people
    survey = write_good_survey(session, author, now)
    authoring.add_page(survey, "More", now)
    # The last question of page 1 moves down onto page 2 (which the equality block follows).
    authoring.move_question(survey, "q3", +1, now)
    assert [q["key"] for q in survey.pages[1]["questions"]][0] == "q3"
    twin = authoring.duplicate_question(survey, "q1", now)
    assert twin not in ("q1", "q2", "q3") and survey.pages[0]["questions"][1]["key"] == twin
    authoring.delete_question(survey, "q1", now)
    keys = [q["key"] for q in doc.questions(survey.content)]
    assert "q1" not in keys and len(keys) == len(set(keys))
    # q2 was shown only if q1 said "Car": with q1 gone, so is the condition.
    q2 = survey.pages[0]["questions"][[q["key"] for q in survey.pages[0]["questions"]].index("q2")]
    assert q2["show_if"] is None
    with pytest.raises(authoring.AuthoringError):
        authoring.add_equality_block(survey, now)  # only once
    with pytest.raises(authoring.AuthoringError, match="earlier question"):
        authoring.save_question(
            survey,
            0,
            {**good_questions()[0], "key": "q9", "show_if": {"question": "q99", "equals": ["x"]}},
            now,
        )


def test_a_good_survey_has_no_errors_and_a_plain_question_passes_clean(session, people, now):
    author, _ = people
    survey = write_good_survey(session, author, now)
    report = checking.check(session, survey)
    errors = [f.finding for f in report.all if f.finding.severity == "error"]
    # Only the sign-off reminder: nobody has approved it yet.
    assert [f.rule for f in errors] == ["sign_off"]
    assert report.by_question.get("q1", []) == []
    assert 1 < report.minutes < 10 and report.question_count == 3 + 8


def test_findings_are_attached_to_the_question_they_concern(session, people, now):
    author, _ = people
    survey = write_good_survey(session, author, now)
    leading = doc.question(
        "q4",
        "single_choice",
        "Don't you agree our friendly team is great?",
        why_we_ask="x",
        options=["Yes", "No"],
    )
    authoring.save_question(survey, 0, leading, now)
    nhs_number = doc.question("q5", "short_text", "What is your NHS number?", why_we_ask="x")
    authoring.save_question(survey, 0, nhs_number, now)
    report = checking.check(session, survey)
    assert "leading" in {f.finding.rule for f in report.by_question["q4"]}
    assert "personal_data" in {f.finding.rule for f in report.by_question["q5"]}


def test_the_author_cannot_approve_their_own_survey(session, people, now):
    author, colleague = people
    survey = write_good_survey(session, author, now)
    lifecycle.submit_for_review(session, survey, author, now)
    with pytest.raises(lifecycle.LifecycleError, match="other than the author"):
        lifecycle.approve(session, survey, author, now)
    observer = make_staff(session, Role.OBSERVER)
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.approve(session, survey, observer, now)
    lifecycle.approve(session, survey, colleague, now)
    assert survey.status is SurveyStatus.APPROVED and survey.approved_by_id == colleague.id
    assert checking.check(session, survey).blocking == []


def test_an_edit_after_approval_returns_the_survey_to_review(session, people, now):
    author, colleague = people
    survey = write_good_survey(session, author, now)
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, colleague, now)
    authoring.update_plan(session, survey, author, plan(title="Travel to hospital"), now)
    assert survey.status is SurveyStatus.IN_REVIEW and survey.approved_by_id is None


def test_publishing_needs_errors_fixed_or_overridden_with_a_reason(session, people, now):
    author, colleague = people
    # Open for only two weeks: an error unless urgent.
    survey = write_good_survey(session, author, now, closes_at=plan().opens_at + timedelta(days=14))
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, colleague, now)
    with pytest.raises(lifecycle.LifecycleError, match="1 guidance error"):
        lifecycle.publish(session, survey, colleague, now)
    with pytest.raises(lifecycle.LifecycleError, match="why"):
        lifecycle.record_override(session, survey, author, "timing", "", "short", now)
    with pytest.raises(lifecycle.LifecycleError, match="cannot be overridden"):
        lifecycle.record_override(session, survey, author, "sign_off", "", "a long reason", now)
    lifecycle.record_override(
        session, survey, author, "timing", "", "The service change is in three weeks.", now
    )
    snapshot = lifecycle.publish(session, survey, colleague, now)
    assert survey.status is SurveyStatus.LIVE and snapshot.version == 1
    with pytest.raises(authoring.AuthoringError, match="live"):
        authoring.save_question(survey, 0, good_questions()[0], now)


def test_snapshot_hash_is_stable_and_changes_with_the_content(session, people, now):
    author, colleague = people
    survey = write_good_survey(session, author, now)
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, colleague, now)
    snapshot = lifecycle.publish(session, survey, colleague, now)
    assert snapshot.sha256 == sha256_of(snapshot.document)
    assert snapshot.document == canonical_text(export_document(survey))
    assert json.loads(snapshot.document)["pages"] == survey.content["pages"]

    fixed = lifecycle.correct_typo(
        session,
        survey,
        author,
        "q1",
        "How did you travel to your last apointment?",
        ["Car", "Bus", "Walking", "Taxi"],
        "a spelling",
        now,
    )
    assert fixed.version == 2 and fixed.sha256 != snapshot.sha256
    with pytest.raises(lifecycle.LifecycleError, match="more than a typo"):
        lifecycle.correct_typo(
            session,
            survey,
            author,
            "q1",
            "Do you own a car?",
            ["Car", "Bus", "Walking", "Taxi"],
            "new question",
            now,
        )
    with pytest.raises(lifecycle.LifecycleError, match="add or remove"):
        lifecycle.correct_typo(
            session,
            survey,
            author,
            "q1",
            survey.pages[0]["questions"][0]["text"],
            ["Car", "Bus"],
            "fewer",
            now,
        )


def test_export_and_import_round_trip(session, people, now):
    author, _ = people
    survey = write_good_survey(session, author, now)
    text = json.dumps(export_document(survey)).encode()
    copy = authoring.import_survey(session, author, parse_import(text), None, now)
    assert copy.id != survey.id and copy.status is SurveyStatus.DRAFT
    assert copy.content["pages"] == survey.content["pages"]
    assert (copy.title, copy.purpose, copy.opens_at) == (survey.title, survey.purpose, None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"format": "something else"}', "'format' must be"),
        (
            b'{"format": "lsc-panel-survey", "version": 1, "title": "x", "pages": [{}]}',
            "'questions' is missing",
        ),
        (b"\xff\xfe", "not UTF-8"),
        (b" " * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_malformed_imports_say_why(raw, reason):
    with pytest.raises(SurveyFormatError, match=reason):
        parse_import(raw)


def test_comments_and_answers_stay_on_their_question(session, people, now):
    author, reviewer = people
    survey = write_good_survey(session, author, now)
    comment = lifecycle.add_comment(session, survey, reviewer, "Add 'Cycling'?", "q1", None, now)
    session.flush()
    lifecycle.add_comment(session, survey, author, "Added.", "", comment.id, now)
    session.flush()
    grouped = lifecycle.comments_by_question(session, survey)
    assert [c.body for c in grouped["q1"]] == ["Add 'Cycling'?", "Added."]
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.add_comment(session, survey, reviewer, "?", "q99", None, now)
