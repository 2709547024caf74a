"""Answer scale rules: an unbalanced scale is leading; a rating scale needs a way out; a scale
must measure what its question asks (standard_scales reads both).

Each option is sorted into positive, negative, neutral or don't-know by its words; options we
cannot place (Yes, No, Car, 3) count for nothing, so only real evaluative scales are judged.
A scale is unbalanced when positives and negatives differ and one side has two or more
options (["Excellent", "Very good", "Good", "Poor"]). "Fair" counts as neutral, so the common
Excellent / Good / Fair / Poor scale is unbalanced (two good, one poor).
"""

from __future__ import annotations

import re

from .spec import Finding, QuestionSpec
from .standard_scales import SCALES, answers_kind, wording_kind

_I = re.IGNORECASE

_DONT_KNOW = re.compile(
    r"\b(?:don't\s+know|do\s+not\s+know|not\s+sure|unsure|can't\s+(?:say|remember)"
    r"|prefer\s+not|not\s+applicable|n/?a|no\s+opinion)\b",
    _I,
)
_NEUTRAL = re.compile(
    r"\b(?:neither|neutral|ok|okay|average|fair|acceptable|mixed|about\s+right|so-so"
    r"|adequate|no\s+difference|the\s+same)\b",
    _I,
)
_NEGATION = re.compile(r"\b(?:not|no|never|hardly)\b", _I)
_NEGATIVE = re.compile(
    r"\b(?:poor|bad|terrible|awful|dreadful|dissatisfied|unsatisfied|unhappy|disagree"
    r"|difficult|hard|unlikely|unhelpful|unacceptable|inadequate|worse|worst|unsafe|unclear"
    r"|useless|negative|slow|rude)\b",
    _I,
)
_POSITIVE = re.compile(
    r"\b(?:excellent|outstanding|good|great|satisfied|happy|agree|easy|likely|helpful"
    r"|better|best|brilliant|fantastic|superb|positive|useful|clear|safe|quick|fast"
    r"|pleased)\b",
    _I,
)
_NUMBERED = re.compile(r"^\s*\d+\b")

SCALE_TYPES = frozenset({"single_choice", "rating_scale"})


def classify(option: str) -> str | None:
    """'positive', 'negative', 'neutral', 'dont_know', or None when the option is not a rating."""
    option = option.replace("’", "'")
    if _DONT_KNOW.search(option):
        return "dont_know"
    if _NEUTRAL.search(option):
        return "neutral"
    if _NEGATIVE.search(option):
        return "negative"
    if _POSITIVE.search(option):
        return "negative" if _NEGATION.search(option) else "positive"
    return None


def _has_way_out(q: QuestionSpec, kinds: list[str | None]) -> bool:
    if q.dont_know or "neutral" in kinds or "dont_know" in kinds:
        return True
    # A numbered scale with an odd number of points has a middle point (1 to 5).
    return all(_NUMBERED.match(o) for o in q.options) and len(q.options) % 2 == 1


def check_scale(q: QuestionSpec) -> list[Finding]:
    """Balance, a way out, and whether the scale fits the question."""
    if q.type not in SCALE_TYPES or not q.options:
        return []
    kinds = [classify(o) for o in q.options]
    positive = [o for o, k in zip(q.options, kinds, strict=True) if k == "positive"]
    negative = [o for o, k in zip(q.options, kinds, strict=True) if k == "negative"]
    findings = []
    if len(positive) != len(negative) and max(len(positive), len(negative)) >= 2:
        lean = "positive" if len(positive) > len(negative) else "negative"
        message = (
            f"The answer options lean {lean}: {len(positive)} positive "
            f"({', '.join(positive) or 'none'}) and {len(negative)} negative "
            f"({', '.join(negative) or 'none'}). Give the same number of each, for example "
            "Very good, Good, Neither good nor poor, Poor, Very poor."
        )
        findings.append(Finding("leading", "error", message, q.key, q.line))
    if q.type == "rating_scale" and not _has_way_out(q, kinds):
        message = (
            "Add a middle option (such as 'Neither good nor poor') or a 'Don't know' option, so"
            " people are not forced to pick a side."
        )
        findings.append(Finding("leading", "advice", message, q.key, q.line))
    return findings + check_scale_fit(q)


def check_scale_fit(q: QuestionSpec) -> list[Finding]:
    """An error when the wording clearly asks for one kind of scale (how often, how satisfied,
    ...) and the answers are clearly another; wording with no such words is never judged."""
    if q.type not in SCALE_TYPES:
        return []
    asked, given = wording_kind(q.text), answers_kind(q.options)
    if asked is None or given is None or asked[0] == given:
        return []
    wanted, have = SCALES[asked[0]], SCALES[given]
    message = (
        f"The question asks {wanted.measures} (it says “{asked[1]}”), but its answers are a "
        f"{have.label.lower()} scale, which measures {have.measures}. People cannot answer "
        "the question with them, and the results would not mean what you need. Use the "
        f"{wanted.label.lower()} scale: {', '.join(wanted.options)}."
    )
    return [Finding("scale_fit", "error", message, q.key, q.line)]
