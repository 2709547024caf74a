"""Whole-survey rules: length, free text, branching, equality block, sign-off, overall reading."""

from __future__ import annotations

from .questions import EQUALITY_BLOCK
from .readability import PLAIN_ENGLISH_TARGET, reading_ease, words
from .spec import FREE_TEXT_TYPES, Finding, QuestionSpec, SurveySpec

MAX_QUESTIONS = 25
MAX_MINUTES = 10.0
MAX_BRANCHING_DEPTH = 2
# The survey as a whole is scored only once there is a passage's worth of text.
WHOLE_SURVEY_MIN_WORDS = 100

# Time estimate for a respondent who sees every question (the worst case):
# reading question text, help text and options at 200 words a minute (an average adult
# reading on screen), plus time to choose or type an answer, plus a few seconds per page.
READING_WORDS_PER_MINUTE = 200
SECONDS_TO_ANSWER = {
    "single_choice": 8,
    "rating_scale": 8,
    "multiple_choice": 12,  # several ticks to weigh up
    "number": 10,
    "short_text": 30,  # a few words
    "long_text": 90,  # a few sentences
}
COMMENT_BOX_SECONDS = 45  # an optional box: many skip it, some write a paragraph
SECONDS_PER_PAGE = 5


def _question_seconds(q: QuestionSpec) -> float:
    word_count = len(words(" ".join([q.text, q.help_text, *q.options])))
    seconds = word_count * 60 / READING_WORDS_PER_MINUTE + SECONDS_TO_ANSWER.get(q.type, 10)
    return seconds + (COMMENT_BOX_SECONDS if q.comment_box else 0)


def estimate_minutes(spec: SurveySpec) -> float:
    """Minutes to complete the survey if every question is shown (see the assumptions above)."""
    seconds = sum(_question_seconds(q) for q in spec.questions())
    return (seconds + SECONDS_PER_PAGE * len(spec.pages)) / 60


def _branching(spec: SurveySpec) -> list[Finding]:
    findings: list[Finding] = []
    position: dict[str, int] = {}
    for index, q in enumerate(spec.questions()):
        position.setdefault(q.key, index)
    depth: dict[str, int] = {}
    chain: dict[str, list[str]] = {}

    def follow(cond: object, index: int, shown: str, key: str | None) -> tuple[int, list[str]]:
        target = cond.get("question") if isinstance(cond, dict) else None
        if not isinstance(target, str) or target not in position:
            message = (
                f"{shown} is shown only after an answer to '{target}', but there is no such "
                "question. Fix the condition or remove it."
            )
        elif position[target] >= index:
            message = (
                f"{shown} depends on the answer to '{target}', which comes later (or is the "
                "same question). A condition can only use an earlier question."
            )
        else:
            return depth[target] + 1, [*chain[target], target]
        findings.append(Finding("branching", "error", message, key))
        return 0, []

    index = 0
    for page in spec.pages:
        page_depth, page_chain = 0, []
        if page.show_if is not None:
            page_depth, page_chain = follow(page.show_if, index, f"Page '{page.title}'", None)
        for q in page.questions:
            d, c = page_depth, page_chain
            if q.show_if is not None:
                own = follow(q.show_if, index, f"Question '{q.key}'", q.key)
                d, c = max((d, c), own, key=lambda pair: pair[0])
            depth.setdefault(q.key, d)
            chain.setdefault(q.key, c)
            index += 1

    deepest = max(depth, key=lambda k: depth[k], default=None)
    if deepest is not None and depth[deepest] > MAX_BRANCHING_DEPTH:
        route = " → ".join([*chain[deepest], deepest])
        message = (
            f"Question '{deepest}' is only shown after {depth[deepest]} conditions in a row "
            f"({route}). Keep branching to {MAX_BRANCHING_DEPTH} levels or fewer so the survey "
            "stays simple to follow and to test."
        )
        findings.append(Finding("branching_depth", "advice", message, deepest))
    return findings


def check_structure(spec: SurveySpec) -> list[Finding]:
    """Rules that need the whole survey rather than one question."""
    questions = spec.questions()
    findings: list[Finding] = []
    if spec.approved_by_other is False:
        findings.append(
            Finding(
                "sign_off",
                "error",
                "Ask someone other than the author to sense-check the survey and sign it off "
                "before it is published.",
            )
        )
    if not questions:
        findings.append(Finding("no_questions", "error", "Add at least one question."))
        return findings

    seen: set[str] = set()
    for q in questions:
        if q.key in seen:
            message = f"More than one question uses the key '{q.key}'. Give each its own key."
            findings.append(Finding("duplicate_key", "error", message, q.key, q.line))
        seen.add(q.key)

    if len(questions) > MAX_QUESTIONS:
        findings.append(
            Finding(
                "too_many_questions",
                "advice",
                f"The survey has {len(questions)} questions. Keep to {MAX_QUESTIONS} or fewer: "
                "ask only what you need and check what we already know first.",
            )
        )
    minutes = estimate_minutes(spec)
    if minutes > MAX_MINUTES:
        findings.append(
            Finding(
                "too_long_survey",
                "advice",
                f"The survey will take about {minutes:.0f} minutes. Aim for {MAX_MINUTES:.0f} "
                "minutes or less: remove questions or make some free-text questions optional.",
            )
        )
    if not any(q.type in FREE_TEXT_TYPES or q.comment_box for q in questions):
        findings.append(
            Finding(
                "no_free_text",
                "advice",
                "There is nowhere for people to add comments. Add a comment box or a free-text "
                "question such as 'Is there anything else you would like to tell us?'.",
            )
        )
    findings += _branching(spec)
    if not any(q.block == EQUALITY_BLOCK for q in questions):
        findings.append(
            Finding(
                "equality_block_missing",
                "advice",
                "Add the standard equality monitoring questions so you can check the responses "
                "represent the local population.",
            )
        )
    wording = [q.text.strip().rstrip(".?!") + "." for q in questions if q.block != EQUALITY_BLOCK]
    passage = " ".join(wording)
    if len(words(passage)) >= WHOLE_SURVEY_MIN_WORDS:
        score = reading_ease(passage)
        if score < PLAIN_ENGLISH_TARGET:
            findings.append(
                Finding(
                    "too_long",
                    "advice",
                    f"Taken together the questions score {score:.0f} for reading ease (aim for "
                    f"{PLAIN_ENGLISH_TARGET:.0f} or more). Use shorter sentences and everyday "
                    "words.",
                )
            )
    return findings
