"""Whole-survey rules and the time estimate."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from surveys.guidance import (
    Finding,
    PageSpec,
    QuestionSpec,
    SurveySpec,
    check_survey,
    estimate_minutes,
)
from surveys.guidance.structure import (
    COMMENT_BOX_SECONDS,
    MAX_QUESTIONS,
    READING_WORDS_PER_MINUTE,
    SECONDS_PER_PAGE,
    SECONDS_TO_ANSWER,
)

WHY = "So we know which services to improve first."


def q(key: str, text: str = "How did you travel to the hospital?", **fields) -> QuestionSpec:
    fields.setdefault("why_we_ask", WHY)
    fields.setdefault("type", "single_choice")
    fields.setdefault("options", ["Car", "Bus", "Walk"])
    return QuestionSpec(key=key, text=text, **fields)


def equality() -> QuestionSpec:
    return q("eq_age", "What is your age?", block="equality", options=["16-24", "25-34"])


def comments() -> QuestionSpec:
    return q(
        "comments",
        "Is there anything else you would like to tell us?",
        type="long_text",
        options=[],
    )


def survey(*questions: QuestionSpec, **fields) -> SurveySpec:
    fields.setdefault("opens_at", datetime(2026, 9, 1, 9, 0))
    fields.setdefault("closes_at", datetime(2026, 10, 5, 17, 0))
    return SurveySpec(
        title="Travel to hospital", pages=[PageSpec("Your visit", list(questions))], **fields
    )


def rules(findings) -> set[str]:
    return {f.rule for f in findings}


def good_survey(*extra: QuestionSpec, **fields) -> SurveySpec:
    return survey(q("travel"), *extra, comments(), equality(), **fields)


def test_a_short_well_planned_survey_passes_clean():
    assert check_survey(good_survey(), election_polling_days=[]) == []


def test_more_than_25_questions_is_advice():
    many = [q(f"q{i}") for i in range(MAX_QUESTIONS)]
    findings = check_survey(good_survey(*many), election_polling_days=[])
    (finding,) = [f for f in findings if f.rule == "too_many_questions"]
    assert finding.severity == "advice"
    assert "28 questions" in finding.message


def test_exactly_25_questions_is_fine():
    many = [q(f"q{i}") for i in range(MAX_QUESTIONS - 3)]
    assert "too_many_questions" not in rules(check_survey(good_survey(*many)))


def test_survey_over_10_minutes_is_advice():
    essays = [
        q(f"essay{i}", "Tell us about your visit.", type="long_text", options=[]) for i in range(8)
    ]
    findings = check_survey(good_survey(*essays), election_polling_days=[])
    assert "too_long_survey" in rules(findings)
    assert "too_many_questions" not in rules(findings)


def test_no_free_text_question_is_advice_and_a_comment_box_counts_as_free_text():
    without = survey(q("travel"), equality())
    with_box = survey(q("travel", comment_box=True), equality())
    assert "no_free_text" in rules(check_survey(without, election_polling_days=[]))
    assert check_survey(with_box, election_polling_days=[]) == []


def test_missing_equality_block_is_advice():
    findings = check_survey(survey(q("travel"), comments()), election_polling_days=[])
    assert [(f.rule, f.severity) for f in findings] == [("equality_block_missing", "advice")]


def test_sign_off_refused_is_an_error_and_unknown_is_skipped():
    refused = check_survey(good_survey(approved_by_other=False), election_polling_days=[])
    assert [(f.rule, f.severity) for f in refused] == [("sign_off", "error")]
    assert check_survey(good_survey(approved_by_other=True), election_polling_days=[]) == []
    assert check_survey(good_survey(approved_by_other=None), election_polling_days=[]) == []


def branching_chain(length: int) -> list[QuestionSpec]:
    chain = [q("b0", options=["Yes", "No"])]
    for i in range(1, length + 1):
        cond = {"question": f"b{i - 1}", "equals": ["Yes"]}
        chain.append(q(f"b{i}", "Did you go by bus?", options=["Yes", "No"], show_if=cond))
    return chain


def test_branching_two_levels_deep_is_fine():
    assert check_survey(good_survey(*branching_chain(2)), election_polling_days=[]) == []


def test_branching_three_levels_deep_is_advice_naming_the_route():
    findings = check_survey(good_survey(*branching_chain(3)), election_polling_days=[])
    (finding,) = findings
    assert (finding.rule, finding.severity, finding.question_key) == (
        "branching_depth",
        "advice",
        "b3",
    )
    assert "b0 → b1 → b2 → b3" in finding.message


def test_a_conditional_page_adds_a_level_to_its_questions():
    first = PageSpec("Start", [q("b0", options=["Yes", "No"]), comments(), equality()])
    cond = {"question": "b0", "equals": ["Yes"]}
    second = PageSpec(
        "Bus",
        [q("b1", show_if=cond), q("b2", show_if={"question": "b1", "equals": ["Car"]})],
        show_if=cond,
    )
    third = PageSpec("More", [q("b3", show_if={"question": "b2", "equals": ["Car"]})])
    spec = SurveySpec("Travel", [first, second, third], datetime(2026, 9, 1), datetime(2026, 10, 5))
    assert rules(check_survey(spec, election_polling_days=[])) == {"branching_depth"}


def test_condition_on_a_missing_or_later_question_is_an_error():
    missing = q("a", show_if={"question": "nope", "equals": ["Yes"]})
    later = q("b", show_if={"question": "c", "equals": ["Yes"]})
    findings = check_survey(good_survey(missing, later, q("c")), election_polling_days=[])
    broken = [f for f in findings if f.rule == "branching"]
    assert [(f.question_key, f.severity) for f in broken] == [("a", "error"), ("b", "error")]


def test_duplicate_question_keys_are_an_error():
    findings = check_survey(good_survey(q("travel")), election_polling_days=[])
    assert [f.rule for f in findings] == ["duplicate_key"]


def test_survey_without_questions_is_an_error():
    spec = SurveySpec("Empty", [], datetime(2026, 9, 1), datetime(2026, 10, 5))
    assert rules(check_survey(spec, election_polling_days=[])) == {"no_questions"}


def test_whole_survey_reading_ease_below_target_is_advice():
    dense = [
        q(f"d{i}", "Regarding organisational communication, evaluate accessibility considerations.")
        for i in range(20)
    ]
    findings = check_survey(good_survey(*dense), election_polling_days=[])
    whole = [f for f in findings if f.rule == "too_long" and f.question_key is None]
    assert len(whole) == 1 and whole[0].severity == "advice"


def test_question_findings_come_first_in_survey_order_then_survey_findings():
    spec = survey(q("first", why_we_ask=""), q("second", "What is your name?"))
    findings = check_survey(spec, election_polling_days=[])
    assert [f.question_key for f in findings[:2]] == ["first", "second"]
    assert all(f.question_key is None for f in findings[2:])


def test_estimate_uses_the_documented_assumptions():
    choice = q("travel", "How did you travel?", options=["Car", "Bus"])
    essay = q("story", "Tell us more.", type="long_text", options=[], comment_box=True)
    spec = survey(choice, essay)
    reading = (6 + 3) * 60 / READING_WORDS_PER_MINUTE
    expected = (
        reading
        + SECONDS_TO_ANSWER["single_choice"]
        + SECONDS_TO_ANSWER["long_text"]
        + COMMENT_BOX_SECONDS
        + SECONDS_PER_PAGE
    ) / 60
    assert estimate_minutes(spec) == pytest.approx(expected)


def test_twenty_five_short_choice_questions_take_well_under_ten_minutes():
    spec = survey(*[q(f"q{i}") for i in range(25)])
    assert 3 < estimate_minutes(spec) < 10


def test_finding_is_frozen_and_converts_to_a_dict():
    finding = Finding("jargon", "advice", "Say hospital.", "q1", 4)
    assert finding.as_dict() == {
        "rule": "jargon",
        "severity": "advice",
        "message": "Say hospital.",
        "question_key": "q1",
        "line": 4,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "other"  # type: ignore[misc]
