"""Answer scales: the standard scales, the one suggested from a question's wording (over many
realistic NHS questions), the default a rating question gets, the checker's "scale_fit" error
for a scale that does not fit its question, and an import keeping the file's own answers."""

from __future__ import annotations

import io
import json

import pytest

from panel.auth.models import Role
from surveys import content as doc
from surveys.guidance import check_question, run_cli
from surveys.guidance.spec import QuestionSpec
from surveys.guidance.standard_scales import SCALES, answers_kind, suggest_scale
from surveys.services import authoring, checking
from surveys.services.documents import export_document, read_document
from tests.factories import make_staff
from tests.surveys.helpers import plan, write_good_survey

SERVICES = [
    "your GP practice",
    "the hospital pharmacy",
    "the urgent treatment centre",
    "NHS 111",
    "the maternity unit",
    "your dentist",
    "the community mental health team",
    "the district nursing service",
    "the physiotherapy clinic",
    "the walk-in centre",
    "Blackpool Victoria Hospital",
    "the stop smoking service",
]

#: question wordings (with {s} for a service) and the scale each one asks for.
WORDINGS = {
    "agreement": [
        "To what extent do you agree or disagree that {s} listens to patients?",
        "Do you agree that {s} should open at weekends?",
        "How strongly do you agree that the staff at {s} treated you with respect?",
        "How much do you agree with this statement: {s} is easy to reach by bus.",
        "Would you agree that waiting times at {s} have got better this year?",
        "Please say whether you agree or disagree: the reception team at {s} were kind.",
        "Do you disagree that {s} explains things clearly?",
    ],
    "satisfaction": [
        "How satisfied were you with the care you received from {s}?",
        "Overall, how satisfied are you with {s}?",
        "How dissatisfied or satisfied were you with the waiting time at {s}?",
        "Were you satisfied with how {s} handled your complaint?",
        "How happy were you with the information {s} gave you?",
        "Thinking about the quality of care at {s}, how satisfied are you?",
        "What is your overall satisfaction with {s}?",
        "Are you satisfied with the opening hours of {s}?",
    ],
    "likelihood": [
        "How likely are you to recommend {s} to friends and family if they needed similar care?",
        "How likely is it that you would use {s} again?",
        "Would you recommend {s} to someone in a similar situation?",
        "If {s} offered video appointments, how likely would you be to use one?",
        "How unlikely or likely are you to contact {s} in the next year?",
        "Thinking about {s}, how likely are you to go there first next time?",
    ],
    "frequency": [
        "How often do you use {s}?",
        "How often were you able to see the same person at {s}?",
        "In the last year, how often did you find it difficult to contact {s}?",
        "How frequently do you travel to {s} by bus?",
        "How regularly does {s} contact you about your care?",
        "How often are you satisfied with the time {s} gives you?",
        "When you ring {s}, how much of the time do you get through first time?",
    ],
    "quality": [
        "How good was the care you received from {s}?",
        "How would you rate the quality of the service at {s}?",
        "Overall, how good is {s}?",
        "How well did the staff at {s} explain things to you?",
        "How would you rate the standard of cleanliness at {s}?",
        "How good was the information about getting to {s}?",
        "Please rate the overall quality of the care from {s}.",
    ],
    "ease": [
        "How easy was it to get an appointment at {s}?",
        "How easy or difficult was it to contact {s}?",
        "How difficult was it to find your way around {s}?",
        "How easy is it to get to {s} by public transport?",
        "How simple was it to book with {s} online?",
        "How straightforward was it to get your prescription from {s}?",
        "Thinking about your last visit, how easy was it to park at {s}?",
        "How hard was it to get through to {s} on the phone?",
    ],
}
#: wordings with nothing that asks for one scale: the general quality scale, said to be the default.
NO_CUE = [
    "Overall, how was your experience of {s}?",
    "How would you rate {s}?",
    "What did you think of the food at {s}?",
    "How was your visit to {s}?",
    "The staff at {s} treated me with dignity.",
    "Thinking about your last appointment at {s}, how would you describe it?",
]


def _all(wordings: list[str]) -> list[str]:
    return [w.format(s=s) for w in wordings for s in SERVICES]


CASES = [(kind, text) for kind, wordings in WORDINGS.items() for text in _all(wordings)]


def test_there_are_six_balanced_five_point_scales():
    assert list(SCALES) == [
        "agreement",
        "satisfaction",
        "likelihood",
        "frequency",
        "quality",
        "ease",
    ]
    assert SCALES["agreement"].options[0] == "Strongly agree"
    assert SCALES["frequency"].options == ("Always", "Often", "Sometimes", "Rarely", "Never")
    assert list(SCALES["quality"].options) == doc.DEFAULT_SCALE
    for scale in SCALES.values():
        assert len(scale.options) == 5 and answers_kind(list(scale.options)) == scale.name


def test_the_suggestion_follows_the_wording_of_hundreds_of_nhs_questions():
    assert len(CASES) > 400
    wrong = [
        (text, suggest_scale(text).scale.name, kind)
        for kind, text in CASES
        if suggest_scale(text).scale.name != kind
    ]
    assert wrong == []
    for kind, text in CASES:
        suggestion = suggest_scale(text)
        # The reason quotes the words that asked for it, as they are in the question.
        assert suggestion.cue and suggestion.cue.lower() in text.lower()
        assert f"it says “{suggestion.cue}”" in suggestion.reason
        assert SCALES[kind].measures in suggestion.reason


@pytest.mark.parametrize("text", _all(NO_CUE))
def test_wording_that_asks_for_no_scale_gets_quality_and_says_it_is_the_default(text):
    suggestion = suggest_scale(text)
    assert suggestion.scale.name == "quality" and suggestion.cue == ""
    assert "general default" in suggestion.reason


def test_a_rating_question_without_answers_gets_the_scale_its_wording_asks_for():
    for kind, text in CASES[:: len(SERVICES)]:
        assert doc.question("q1", "rating_scale", text)["options"] == list(SCALES[kind].options)
        with_dont_know = doc.question("q1", "rating_scale", text, dont_know=True)["options"]
        assert with_dont_know == [*SCALES[kind].options, "Don't know"]
    # Nothing in the wording: the quality scale, as before.
    assert doc.question("q1", "rating_scale", "How was your visit?")["options"] == (
        doc.DEFAULT_SCALE
    )
    # Answers given are kept, whatever the wording.
    mine = ["Excellent", "Good", "Fair", "Poor", "Very poor"]
    assert doc.question("q1", "rating_scale", "How often?", options=mine)["options"] == mine


# --- the checker ------------------------------------------------------------------------------

#: one wording per scale, and answers of each kind (standard, and common variants).
ASKS = {kind: wordings[0].format(s="your GP practice") for kind, wordings in WORDINGS.items()}
ANSWERS = {
    **{name: list(scale.options) for name, scale in SCALES.items()},
    "quality, four points": ["Excellent", "Good", "Fair", "Poor"],
    "likelihood, Friends and Family Test": [
        "Extremely likely",
        "Likely",
        "Neither likely nor unlikely",
        "Unlikely",
        "Extremely unlikely",
        "Don't know",
    ],
    "satisfaction, negated": [
        "Very satisfied",
        "Fairly satisfied",
        "Not very satisfied",
        "Not at all satisfied",
    ],
    "frequency, everyday words": ["Always", "Most of the time", "Some of the time", "Never"],
}


def _kind(answers_name: str) -> str:
    return answers_name.split(",")[0]


def _fit(text: str, options: list[str], qtype: str = "rating_scale") -> list:
    q = QuestionSpec(key="q1", type=qtype, text=text, options=options, why_we_ask="To plan.")
    return [f for f in check_question(q) if f.rule == "scale_fit"]


@pytest.mark.parametrize("asked", ASKS)
@pytest.mark.parametrize("given", ANSWERS)
def test_a_scale_that_does_not_fit_the_question_is_an_error_that_names_the_right_one(asked, given):
    found = _fit(ASKS[asked], ANSWERS[given])
    if _kind(given) == asked:
        assert found == []
        return
    (finding,) = found
    assert finding.severity == "error" and finding.question_key == "q1"
    wanted, have = SCALES[asked], SCALES[_kind(given)]
    assert f"asks {wanted.measures}" in finding.message
    assert f"its answers are a {have.label.lower()} scale" in finding.message
    assert f"Use the {wanted.label.lower()} scale: {', '.join(wanted.options)}." in (
        finding.message
    )


def test_the_mismatches_the_guide_names_are_each_flagged():
    examples = [
        ("How likely are you to recommend us to friends and family?", "agreement", "likelihood"),
        ("How satisfied were you with your appointment?", "quality", "satisfaction"),
        ("How often do you visit the pharmacy?", "quality", "frequency"),
        ("How often do you visit the pharmacy?", "ease", "frequency"),
        ("How often do you visit the pharmacy?", "satisfaction", "frequency"),
        ("Do you agree that the clinic should move?", "likelihood", "agreement"),
    ]
    for text, given, wanted in examples:
        (finding,) = _fit(text, list(SCALES[given].options))
        assert ", ".join(SCALES[wanted].options) in finding.message, text


@pytest.mark.parametrize("text", _all(NO_CUE)[:: len(SERVICES)])
@pytest.mark.parametrize("given", ANSWERS)
def test_wording_that_asks_for_no_scale_is_never_judged(text, given):
    assert _fit(text, ANSWERS[given]) == []


def test_answers_that_are_not_a_scale_are_never_judged():
    assert _fit("How often do you use the bus?", ["Every day", "Once a week", "Never"]) == []
    assert _fit("How satisfied were you?", ["Yes", "No"], "single_choice") == []
    assert _fit("How likely are you to come?", ["1", "2", "3", "4", "5"]) == []
    # Answers that mix kinds are not one scale.
    assert _fit("How often do you go?", ["Good", "Easy", "Likely", "Agree"]) == []


def test_a_single_choice_holding_a_scale_is_judged_too():
    assert _fit("How often do you go?", list(SCALES["quality"].options), "single_choice")


def test_the_finding_sits_with_its_question_in_the_builder_and_on_the_command_line(
    session, now, tmp_path
):
    survey = write_good_survey(session, make_staff(session, Role.COMMS), now)
    question = doc.question(
        "q9",
        "rating_scale",
        "How often do you go to your GP practice?",
        why_we_ask="To plan.",
        options=list(SCALES["quality"].options),
    )
    authoring.save_question(survey, 0, question, now)
    report = checking.check(session, survey)
    (checked,) = [c for c in report.by_question["q9"] if c.finding.rule == "scale_fit"]
    assert checked.blocking and checked.overridable
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(export_document(survey)), encoding="utf-8")
    out = io.StringIO()
    assert run_cli(str(path), out) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    (line,) = [item for item in lines if item["rule"] == "scale_fit"]
    assert line["line"] == 4 and line["severity"] == "error"
    assert "Always, Often, Sometimes, Rarely, Never" in line["message"]


def test_an_import_keeps_the_answers_the_file_gives_and_the_checker_flags_a_misfit(session, now):
    survey = write_good_survey(session, make_staff(session, Role.COMMS), now)
    document = json.loads(json.dumps(export_document(survey)))
    mine = ["Excellent", "Good", "Fair", "Poor", "Very poor"]
    document["pages"][0]["questions"].append(
        {
            "key": "q9",
            "type": "rating_scale",
            "text": "How often do you use the bus?",
            "options": mine,
        }
    )
    assert read_document(document).content["pages"][0]["questions"][-1]["options"] == mine
    imported = authoring.import_survey(session, survey.author, document, None, now)
    assert doc.questions(imported.content)[3]["options"] == mine
    rules = {c.finding.rule for c in checking.check(session, imported).by_question["q9"]}
    assert "scale_fit" in rules


def test_the_demo_style_survey_has_no_scale_errors(session, now):
    author = make_staff(session, Role.COMMS)
    survey = authoring.create_survey(session, author, plan(), now)
    for key, text in (
        ("q1", "How easy is it to get to a pharmacy when it is open?"),
        ("q2", "How likely are you to use an evening pharmacy?"),
        ("q3", "How often do you collect a prescription?"),
    ):
        authoring.save_question(survey, 0, doc.question(key, "rating_scale", text), now)
    report = checking.check(session, survey)
    assert not [
        c for items in report.by_question.values() for c in items if c.finding.rule == "scale_fit"
    ]
