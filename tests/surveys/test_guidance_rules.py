"""Question wording rules: the example table of what must and must not be flagged, rule by rule."""

from __future__ import annotations

import pytest

from surveys.guidance import (
    PLAIN_ENGLISH_TARGET,
    QuestionSpec,
    check_question,
    check_text_lines,
    reading_ease,
)

# (question text, rules it must raise). An empty set means it must pass clean.
EXAMPLES = [
    # Plain neutral questions pass.
    ("How did you travel to the hospital?", set()),
    ("How easy was it to contact your GP practice?", set()),
    ("Any other comments?", set()),
    ("Did you understand the information about your medication?", set()),
    ("How would you rate your overall experience?", set()),
    ("Overall, how would you rate the community pharmacy service you used recently?", set()),
    ("Is there anything else you would like to tell us?", set()),
    ("What is one thing that would make it easier for you to see a GP?", set()),
    ("Tell us anything else about your visit.", set()),
    ("Did you feel listened to?", set()),
    ("Is it nice?", set()),
    # Fixed pairs, place names, either/or choices and open follow-ups are one question.
    ("How satisfied were you with the care and treatment you received?", set()),
    ("How satisfied are you with health and care services in Lancashire and South Cumbria?", set()),
    ("Did staff treat you with dignity and respect?", set()),
    ("How would you rate the food and drink?", set()),
    ("Where did you go, and why?", set()),
    ("Did you travel by car or bus?", set()),
    ("Did you find it easy or difficult to book?", set()),
    ("Please rate the service and tell us why.", set()),
    # Double-barrelled.
    ("How satisfied were you with the cleanliness and the food?", {"double_barrelled"}),
    ("Was the staff friendly and helpful?", {"double_barrelled"}),
    # Two faults at once, and only the bad side offered: the model reads it as leading too.
    ("Were the staff rude or unhelpful?", {"double_barrelled", "leading"}),
    ("Were you seen quickly and safely?", {"double_barrelled"}),
    ("Did you feel safe and comfortable?", {"double_barrelled"}),
    ("Was the ward clean and tidy?", {"double_barrelled"}),
    ("How easy was it to book and attend your appointment?", {"double_barrelled"}),
    (
        "How would you rate the care you received and the way staff spoke to you?",
        {"double_barrelled"},
    ),
    # Leading.
    ("Don't you agree that the new clinic is better?", {"leading"}),
    ("Wouldn't it be better to have one big hospital?", {"leading"}),
    ("Surely the waiting times are too long?", {"leading"}),
    ("Isn't it true that parking is a problem?", {"leading"}),
    ("The clinic was easy to find, wasn't it?", {"leading"}),
    ("Do you agree that we should open on Saturdays?", {"leading"}),
    ("How excellent was your visit?", {"leading"}),
    ("How did you find our friendly team?", {"leading"}),
    ("How much did you enjoy your stay?", {"leading"}),
    ("What do you think of our great new service?", {"leading"}),
    ("To what extent do you agree or disagree that the clinic should open on Saturdays?", set()),
    # Personal data.
    ("What is your name?", {"personal_data"}),
    ("What is your home address?", {"personal_data"}),
    ("What is your NHS number?", {"personal_data"}),
    ("What is your date of birth?", {"personal_data"}),
    ("What is your phone number?", {"personal_data"}),
    ("What is your email address?", {"personal_data"}),
    ("What is your postcode?", {"personal_data"}),
    ("What is the name of your GP practice?", {"personal_data"}),
    ("Which GP practice are you registered with?", {"personal_data"}),
    ("What is the first part of your postcode?", set()),
    ("Please do not include your name or any personal details.", set()),
    ("How old are you?", set()),
    # Jargon; GP and A&E are widely understood and deliberately not flagged.
    ("Did the MDT explain your care plan?", {"jargon"}),
    ("Have you been referred on a 2WW pathway?", {"jargon"}),
    ("How could we improve primary care in your area?", {"jargon"}),
    ("Do you think the ICB listens to stakeholders?", {"jargon"}),
    ("Did you use the UTC or SDEC?", {"jargon"}),
    ("How important is co-production to you?", {"jargon"}),
    ("Was the ED busy?", {"jargon"}),
    ("Is the acute trust easy to get to?", {"jargon"}),
    ("Have you had acute pain in the last week?", set()),
    ("How did you get on at A&E?", set()),
    ("Did your GP explain the results?", set()),
    # Leading by what others do, by "is it fair that", by a premise, by selling words; and the
    # neutral questions that look like them.
    ("Most residents now pay for parking by app. Would you like to do the same?", {"leading"}),
    ("Like many other carers, would you like a break?", {"leading"}),
    ("Many people find the stairs hard. Would a lift help you?", set()),
    ("Is it fair that some streets are cleaned more often than others?", {"leading"}),
    ("Is it right for you to get reminders by text?", set()),
    (
        "Given the pressures on the ambulance service, should people make their own way there?",
        {"leading"},
    ),
    ("Given the choice, would you rather have a phone call?", set()),
    ("Given what you know about the plans, should the clinic move?", set()),
    ("Would it not be simpler to have one number for every service?", {"leading"}),
    ("How concerned are you that the park is unsafe?", {"leading"}),
    ("How concerned, if at all, are you about the park at night?", set()),
    ("Should we build a safer, greener bus station?", {"leading"}),
    ("Do you support or oppose our plans for the bus station?", set()),
    ("Did the nurse explain your results clearly?", set()),
    ("How much do you agree with each of the following statements?", set()),
    ("Experts say the new scanner is safer. Would you use it?", {"leading"}),
    ("How strongly would you object if the bus stopped running?", {"leading"}),
    ("Is it not time the park had new lights?", {"leading"}),
    ("Would you rather pay for parking or lose the free shuttle bus?", {"leading"}),
    # Personal data asked indirectly: who looks after someone, where they work, their car.
    ("Which GP surgery is your son registered with?", {"personal_data"}),
    ("Who is your daughter's social worker?", {"personal_data"}),
    ("Who do you work for?", {"personal_data"}),
    ("What is your car registration number?", {"personal_data"}),
    ("Please give us a number we can call you on.", {"personal_data"}),
    ("What is the name of the care home your mother lives in?", {"personal_data"}),
    ("Did you have to give your date of birth twice?", set()),
    ("How old were you on your last birthday?", set()),
    ("What type of school does your child go to?", set()),
    ("Which area of Morecambe do you live in?", set()),
    ("What did your GP say about your results?", set()),
    ("Which GP practice services have you used this year?", set()),
    ("Do you use the NHS App on your phone?", set()),
    ("Did your employer let you have time off for your appointment?", set()),
    ("What is your work email?", {"personal_data"}),
    ("What company is your wife employed by?", {"personal_data"}),
    ("Do you work for the NHS or the council?", set()),
    ("Do you use social media to find out about local services?", set()),
    # Planning and discharge codes are jargon; roads and question numbers are not.
    ("Should S106 money pay for a new play area?", {"jargon"}),
    ("Were you discharged on pathway 2?", {"jargon"}),
    ("Did you drive along the A583 or the M55?", set()),
    ("If you answered yes to Q4, please tell us more.", set()),
    ("Have you had problems with cars parked on kerbs near your home?", set()),
    # A second action after "and tell you" is a second question; "or not sure" is not.
    ("Did the physio examine you and tell you what to do next?", {"double_barrelled"}),
    ("Should the clinic move to Kendal, stay where it is, or are you not sure?", set()),
    ("Should the day centre stay where it is, move, or close?", set()),
    # Hard to read.
    ("Please describe any difficulties you experienced accessing appointments.", {"too_long"}),
    (
        "Considering the proposed reconfiguration, what alternative arrangements would you prefer?",
        {"too_long", "jargon"},
    ),
    (
        "Thinking about the last time you needed to see someone urgently, either at the practice"
        " or elsewhere, please tell us what happened and how long it took before you were able"
        " to get the help that you felt you needed.",
        {"too_long"},
    ),
    # Leading by what the wording takes for granted (surveys/guidance/presumed.py).
    ("How angry are you about the state of the roads?", {"leading"}),
    ("In what ways has the new hub made your life easier?", {"leading"}),
    ("Would you pay just £1 a week more to keep the library open?", {"leading"}),
    ("Do you accept that some services will have to be cut?", {"leading"}),
    ("To keep our streets clean, should the council fine people who drop litter?", {"leading"}),
    # Plain look-alikes: answer options, fixed pairs, the resident's own situation, both sides.
    ("Should the clinic stay where it is or move to the new hub?", set()),
    ("Are you a smoker, an ex-smoker or have you never smoked?", set()),
    ("How much of a problem, if any, is litter in your street?", set()),
    ("Now that your treatment has finished, do you have any further questions?", set()),
    ("Some people prefer a phone call and others a letter. Which do you prefer?", set()),
    ("Have you stayed in a bed and breakfast in the town?", set()),
    ("Does your condition reduce your ability to carry out day-to-day activities?", set()),
    # Leading by how the choice is framed (surveys/guidance/framing.py).
    ("The new app has made booking much simpler. Have you tried it?", {"leading"}),
    ("Will you help us fight the closure of the maternity unit?", {"leading"}),
    ("Should we make the high street a nicer place to shop by removing traffic?", {"leading"}),
    ("Should people who miss appointments be made to pay?", {"leading"}),
    ("Do you want safer streets?", {"leading"}),
    ("Tell us what you love about your GP practice.", {"leading"}),
    ("Should the council keep investing in the hugely successful leisure card?", {"leading"}),
    ("Given the obvious benefits, should the scheme be extended?", {"leading"}),
    # Plain look-alikes of those shapes: a hedge, a neutral use of a loaded word, a range,
    # balanced comparatives, a fixed pair, a compound subject, the other answer, a list.
    ("As far as you know, does your practice offer evening appointments?", set()),
    ("Do you think wasting food is a problem in your household?", set()),
    ("How long did you wait between booking and your appointment?", set()),
    ("Is the waiting time for your operation longer or shorter than you expected?", set()),
    ("Did you have confidence and trust in the healthcare professional you saw?", set()),
    ("Were you and your partner treated with kindness during your labour?", set()),
    ("The practice has a new phone number. Did you know this?", set()),
    ("Was the pharmacist able to help, or did you need to see someone else?", set()),
    ("Would you say that your health is very good, good, fair, bad or very bad?", set()),
    ("Have you ever been turned away from a dental practice?", set()),
]


def rules(findings) -> set[str]:
    return {f.rule for f in findings}


def question(text: str = "How did you travel to the hospital?", **fields) -> QuestionSpec:
    fields.setdefault("why_we_ask", "To plan transport to the new clinic.")
    return QuestionSpec(
        key=fields.pop("key", "q1"), type=fields.pop("type", "short_text"), text=text, **fields
    )


def test_example_table_is_big_enough_and_covers_clean_and_flagged_rows():
    assert len(EXAMPLES) >= 40
    assert any(not expected for _, expected in EXAMPLES)
    assert len({text for text, _ in EXAMPLES}) == len(EXAMPLES)


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[t[:50] for t, _ in EXAMPLES])
def test_example_question_raises_exactly_the_expected_rules(text, expected):
    assert rules(check_text_lines(text)) == expected


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[t[:50] for t, _ in EXAMPLES])
def test_check_question_agrees_with_the_text_check_when_the_question_is_documented(text, expected):
    assert rules(check_question(question(text))) == expected


def test_findings_carry_the_question_key_and_plain_advice():
    (finding,) = check_question(question("Was the staff friendly and helpful?", key="staff"))
    assert finding.question_key == "staff"
    assert finding.severity == "advice"
    assert "separate question" in finding.message


def test_missing_why_we_ask_note_is_advice():
    findings = check_question(question(why_we_ask=""))
    assert [(f.rule, f.severity) for f in findings] == [("why_we_ask", "advice")]


def test_why_we_ask_note_of_only_spaces_counts_as_missing():
    assert rules(check_question(question(why_we_ask="   "))) == {"why_we_ask"}


def test_personal_data_with_an_information_governance_justification_passes():
    q = question("What is your email address?", ig_justification="IG ref 2026-14: follow-up")
    assert rules(check_question(q)) == set()


def test_personal_data_without_justification_is_an_error():
    (finding,) = check_question(question("What is your NHS number?"))
    assert (finding.rule, finding.severity) == ("personal_data", "error")
    assert "Information Governance" in finding.message


def test_postcode_finding_suggests_asking_for_the_first_part_only():
    (finding,) = check_text_lines("What is your postcode?")
    assert "first part of the postcode" in finding.message


def test_standard_equality_questions_are_exempt_from_wording_rules():
    long_census_wording = (
        "Are your day-to-day activities limited because of a health problem or disability which"
        " has lasted, or is expected to last, at least 12 months?"
    )
    q = question(long_census_wording, block="equality", type="single_choice")
    assert rules(check_question(q)) == set()


def test_leading_openings_are_errors_and_agree_statements_are_advice():
    (loaded,) = check_text_lines("Don't you think the new clinic is better?")
    (agree,) = check_text_lines("Do you agree that the clinic should move?")
    assert loaded.severity == "error"
    assert agree.severity == "advice"


def test_unbalanced_answer_scale_is_a_leading_error():
    q = question(
        "How was your visit?",
        type="rating_scale",
        options=["Excellent", "Very good", "Good", "Poor"],
        dont_know=True,
    )
    (finding,) = check_question(q)
    assert (finding.rule, finding.severity) == ("leading", "error")
    assert "lean positive" in finding.message


def test_balanced_scale_with_a_middle_option_passes():
    options = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor"]
    assert (
        check_question(question("How was your visit?", type="rating_scale", options=options)) == []
    )


def test_negated_options_count_as_negative():
    options = ["Very satisfied", "Satisfied", "Not very satisfied", "Not at all satisfied"]
    q = question("How was your visit?", type="single_choice", options=options)
    assert check_question(q) == []


def test_rating_scale_without_a_middle_or_dont_know_option_gets_advice():
    q = question("How was your visit?", type="rating_scale", options=["Good", "Poor"])
    (finding,) = check_question(q)
    assert (finding.rule, finding.severity) == ("leading", "advice")


def test_rating_scale_dont_know_flag_or_odd_numbered_scale_counts_as_a_way_out():
    with_flag = question(
        "How was it?", type="rating_scale", options=["Good", "Poor"], dont_know=True
    )
    numbered = question(
        "How was it?",
        type="rating_scale",
        options=["1 - Very poor", "2", "3", "4", "5 - Very good"],
    )
    assert check_question(with_flag) == []
    assert check_question(numbered) == []


def test_non_rating_choices_are_not_judged_as_scales():
    q = question("How did you travel?", type="single_choice", options=["Car", "Bus", "Walk"])
    assert check_question(q) == []


def test_jargon_in_options_and_help_text_is_found_once_per_term():
    q = question(
        "Where did you go?",
        type="single_choice",
        options=["ED", "UTC", "GP"],
        help_text="For example the ED at your local hospital.",
    )
    messages = [f.message for f in check_question(q)]
    assert len(messages) == 2
    assert any("'ED'" in m for m in messages) and any("'UTC'" in m for m in messages)


def test_jargon_plurals_and_spelling_variants_are_matched():
    assert rules(check_text_lines("Do PCNs help?")) == {"jargon"}
    assert rules(check_text_lines("Do you value coproduction?")) == {"jargon"}


def test_acronyms_match_only_in_capitals():
    assert check_text_lines("Was the salt on your food nice?") == []


def test_hard_to_read_help_text_is_flagged():
    help_text = (
        "Notwithstanding the aforementioned considerations, respondents should contemplate "
        "organisational implementation difficulties regarding multifactorial assessment."
    )
    findings = check_question(question(help_text=help_text))
    (too_long,) = [f for f in findings if f.rule == "too_long"]
    assert "help text" in too_long.message
    # The rare words are jargon too ("multifactorial" is not everyday English).
    assert {f.rule for f in findings} == {"too_long", "jargon"}


def test_reading_ease_wraps_flesch_and_plain_text_beats_the_target():
    plain = "We want to know what you think. Tell us what went well and what did not go well."
    assert reading_ease(plain) >= PLAIN_ENGLISH_TARGET
    assert PLAIN_ENGLISH_TARGET == 60


def test_text_lines_report_1_based_line_numbers_and_skip_blank_lines():
    text = "How did you travel?\n\nWhat is your postcode?\n   \nDid the MDT call you?\n"
    assert [(f.line, f.rule) for f in check_text_lines(text)] == [
        (3, "personal_data"),
        (5, "jargon"),
    ]


def test_text_lines_ignore_question_numbering():
    assert check_text_lines("1. How did you travel?\nQ2) Any other comments?") == []
