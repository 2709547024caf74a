"""The standard balanced five-point answer scales, the one a question's wording asks for, and
the kind of scale a list of answers is.

The suggestion reads the wording with fixed rules, strongest first:
1. a question stem: "how satisfied", "do you agree", "how likely", "would you recommend",
   "how often", "how easy", "how good", "rate the quality" (the earliest in the text wins);
2. otherwise a scale word anywhere: "agree", "satisfied", "likely", "recommend", "often",
   "easy", "difficult", "quality" (again the earliest), so "Thinking about the quality of
   care, how satisfied are you?" asks about satisfaction and "Do you agree that it was easy to
   book?" asks for agreement;
3. otherwise the quality scale (Very good ... Very poor), said to be the general default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True)
class Scale:
    """One standard scale: its name, its label in the builder and its five answers."""

    name: str
    label: str
    options: tuple[str, ...]
    #: what the scale measures, to finish "the question asks ..." and "... scale measures".
    measures: str


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale(
            "agreement",
            "Agreement",
            (
                "Strongly agree",
                "Agree",
                "Neither agree nor disagree",
                "Disagree",
                "Strongly disagree",
            ),
            "how much people agree or disagree",
        ),
        Scale(
            "satisfaction",
            "Satisfaction",
            (
                "Very satisfied",
                "Satisfied",
                "Neither satisfied nor dissatisfied",
                "Dissatisfied",
                "Very dissatisfied",
            ),
            "how satisfied people are",
        ),
        Scale(
            "likelihood",
            "Likelihood",
            ("Very likely", "Likely", "Neither likely nor unlikely", "Unlikely", "Very unlikely"),
            "how likely something is",
        ),
        Scale(
            "frequency",
            "Frequency",
            ("Always", "Often", "Sometimes", "Rarely", "Never"),
            "how often something happens",
        ),
        Scale(
            "quality",
            "Quality",
            ("Very good", "Good", "Neither good nor poor", "Poor", "Very poor"),
            "how good something is",
        ),
        Scale(
            "ease",
            "Ease",
            ("Very easy", "Easy", "Neither easy nor difficult", "Difficult", "Very difficult"),
            "how easy or difficult something is",
        ),
    )
}
#: the scale for a rating question whose wording points to no other.
DEFAULT_SCALE_NAME = "quality"
#: the builder's choice for answers typed by the author.
CUSTOM = "custom"

_STEMS = {
    "agreement": r"\b(?:do|would|did|does)\s+you\s+(?:\w+\s+)?(?:dis)?agree\b"
    r"|\bhow\s+(?:much|strongly)\s+(?:do|would)\s+you\s+(?:dis)?agree\b"
    r"|\bto\s+what\s+extent\s+(?:do|would)\s+you\s+(?:dis)?agree\b|\bagree\s+or\s+disagree\b",
    "satisfaction": r"\bhow\s+(?:dis)?satisfied\b|\bhow\s+(?:happy|pleased)\b"
    r"|\b(?:are|were|was)\s+you\s+(?:\w+\s+)?(?:dis)?satisfied\b"
    r"|\b(?:your|of)\s+(?:overall\s+)?satisfaction\b",
    "likelihood": r"\bhow\s+(?:un)?likely\b|\b(?:would|will)\s+you\s+recommend\b",
    "frequency": r"\bhow\s+(?:often|frequently|regularly)\b|\bhow\s+much\s+of\s+the\s+time\b",
    "ease": r"\bhow\s+(?:easy|easily|difficult|hard|simple|straightforward)\b",
    "quality": r"\bhow\s+(?:good|well)\b|\brate\s+the\s+(?:overall\s+)?(?:quality|standard)\b",
}
_WORDS = {
    "agreement": r"\b(?:dis)?agree[sd]?\b",
    "satisfaction": r"\b(?:dis|un)?satisf(?:ied|action|actory)\b",
    "likelihood": r"\b(?:un)?likely\b|\blikelihood\b|\brecommend\w*",
    "frequency": r"\boften\b|\bfrequen(?:cy|tly)\b",
    "ease": r"\b(?:easy|easier|easily|difficult|difficulty|difficulties)\b",
    "quality": r"\bquality\b|\bstandard\s+of\b",
}
_STEM_RES = {name: re.compile(pattern, _I) for name, pattern in _STEMS.items()}
_WORD_RES = {name: re.compile(pattern, _I) for name, pattern in _WORDS.items()}

#: an answer's words -> the kind of scale it belongs to.
_ANSWER_KINDS = {
    "agreement": re.compile(r"\b(?:dis)?agree\b", _I),
    "satisfaction": re.compile(r"\b(?:dis|un)?satisfied\b", _I),
    "likelihood": re.compile(r"\b(?:un)?likely\b", _I),
    "frequency": re.compile(
        r"\b(?:always|often|sometimes|rarely|never|usually|occasionally|seldom|hardly\s+ever"
        r"|most\s+of\s+the\s+time|some\s+of\s+the\s+time)\b",
        _I,
    ),
    "ease": re.compile(r"\b(?:easy|difficult|hard)\b", _I),
    "quality": re.compile(r"\b(?:good|poor|excellent|fair|bad|terrible|outstanding)\b", _I),
}


@dataclass(frozen=True)
class Suggestion:
    """The scale the wording asks for, and the words that say so ("" when none did)."""

    scale: Scale
    cue: str

    @property
    def reason(self) -> str:
        """Why this scale, in plain English."""
        if self.cue:
            return f"the question asks {self.scale.measures} (it says “{self.cue}”)"
        return (
            "nothing in the wording (such as “agree”, “satisfied”, “likely”, “how often” or "
            "“easy”) points to another scale, so this is the general default"
        )


def _earliest(patterns: dict[str, re.Pattern], text: str) -> tuple[str, str] | None:
    found = [
        (m.start(), order, name, m.group())
        for order, (name, pattern) in enumerate(patterns.items())
        if (m := pattern.search(text))
    ]
    if not found:
        return None
    _start, _order, name, words = min(found)
    return name, " ".join(words.split())


def wording_kind(text: str) -> tuple[str, str] | None:
    """(scale name, the words that point to it) from a question's wording, or None."""
    text = text.replace("’", "'")
    return _earliest(_STEM_RES, text) or _earliest(_WORD_RES, text)


def suggest_scale(text: str) -> Suggestion:
    """The standard scale that fits a question's wording; quality when nothing points to one."""
    kind = wording_kind(text)
    if kind is None:
        return Suggestion(SCALES[DEFAULT_SCALE_NAME], "")
    return Suggestion(SCALES[kind[0]], kind[1])


def answers_kind(options: list[str]) -> str | None:
    """The kind of scale a question's answers are (a standard scale's name), or None when they
    are not clearly one: at least two answers, and most of them, must point to the same kind
    and none to another."""
    kinds = []
    for option in options:
        found = {name for name, pattern in _ANSWER_KINDS.items() if pattern.search(option)}
        if len(found) == 1:
            kinds.append(found.pop())
        elif found:
            return None  # "Good but hard" belongs to no one scale
    if len(set(kinds)) != 1 or len(kinds) < 2 or len(kinds) * 2 < len(options):
        return None
    return kinds[0]


def standard_scale_of(options: list[str]) -> str | None:
    """The name of the standard scale these answers are exactly (a "Don't know" aside)."""
    own = tuple(o for o in options if o != "Don't know")
    return next((s.name for s in SCALES.values() if s.options == own), None)


class ScaleChoiceError(ValueError):
    """The scale chosen and the answers typed disagree; the message says what to do."""


def scale_answers(choice: str | None, typed: list[str]) -> list[str] | None:
    """A rating question's answers from the builder: the chosen standard scale's, or the typed
    ones for "custom". None: no scale chosen and nothing typed, so the author must choose.
    Typed answers that are themselves a standard scale (as the page filled them in) give way
    to another chosen scale; anything else typed is never dropped: ScaleChoiceError."""
    typed = [line.strip() for line in typed if line.strip()]
    if not choice or choice == CUSTOM:
        return typed or None
    scale = SCALES[choice]
    if typed and standard_scale_of(typed) is None:
        raise ScaleChoiceError(
            f"You typed your own answers: choose “Custom” to keep them, or clear the answers "
            f"box to use the {scale.label.lower()} scale"
        )
    return list(scale.options)
