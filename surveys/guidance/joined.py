"""Double-barrelled questions in the less obvious shapes the adjective and noun-pair rules miss.

A closed question (one answered yes/no or on a scale: it opens with did, was, should, would...,
or rates something) that joins two things with "and" asks two questions at once:
- two verbs sharing one object or two actions ("open earlier and close later", "arrive on
  time and stay for the full visit");
- a second clause that asks a new question ("... and did they explain ...?", "... and how
  you were kept informed?");
- two services, people or qualities ("the ambulance crew and the A&E staff").
"or" in a yes/no question splits it only when it offers a second proposal ("more buses or
cheaper parking", "fix the roads or spend more on pavements"); "by car or bus", "or not" and
"or somewhere else" are one question.
Not split: fixed pairs (wording.FIXED_PAIRS), names ("Lancashire and South Cumbria"),
"between ... and ...", numbers ("one and a half") and open questions ("Where did you go, and
why?"), which may ask for a reason.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

_CLOSED_OPENING = re.compile(
    r"^\s*(?:overall,\s*|thinking\s+about[^,]*,\s*)?(?:did|do|does|was|were|is|are|has|have|had"
    r"|should|would|will|can|could|shall|has)\b(?!\s+(?:there|anything|anyone)\b)"
    r"|\bhow\s+(?:would\s+you\s+rate|satisfied|dis?satisfied|happy|pleased|good|well|easy"
    r"|quick|clean|safe|helpful|useful|clear|likely|confident|accessible|affordable)\b"
    r"|\bto\s+what\s+extent\b|\brate\b",
    _I,
)
_OPEN_SECOND = re.compile(r"^\s*(?:why|what|where|when|who|tell|please|if)\b", _I)
# In a closed question "and what/where/when/who ..." asks a second, open question; only
# "and why" or "and tell us" asks for a reason for the same answer.
# "and tell us why" asks for a reason; "and tell you what was wrong" is a second action.
_REASON_SECOND = re.compile(r"^\s*(?:why|tell\s+us|please|if)\b", _I)
_NEW_QUESTION = re.compile(
    r"^\s*(?:did|do|does|was|were|is|are|would|will|could|can|has|have|had|should)\s+"
    r"(?:you|they|he|she|it|we|the|your|staff|this|that|there|anyone)\b"
    r"|^\s*(?:how|whether)\s+(?:you|they|the|your|to|long|well|much)\b",
    _I,
)
_OR_PROPOSAL = re.compile(
    r"^\s*(?:more|less|fewer|cheaper|better|longer|shorter|extra|spend|fix|build|close|open"
    r"|cut|move|keep|reduce|increase|improve|stop|start|offer|give|get|have|run|charge|add"
    r"|introduce|ban|allow|provide|put|plant|hire|employ|invest)\b",
    _I,
)
_OR_SAME_QUESTION = re.compile(
    r"^\s*(?:not|somewhere|anywhere|someone|anyone|something|other|elsewhere|both|neither"
    r"|otherwise|none|(?:have\s+)?no\s+(?:view|opinion|preference)"
    r"|(?:are\s+you\s+|you\s+are\s+|you're\s+)?(?:unsure|not\s+sure)"
    r"|don't\s+know|(?:would\s+you\s+|do\s+you\s+)?(?:oppose|be\s+against|against))\b",
    _I,
)
# Verbs that decide one thing's future: "stay where it is or move", "keep it or close it" are
# the answer options of one question, not two proposals.
_FUTURE_OF = frozenset(
    """stay keep remain continue move close stop reduce end scrap change replace relocate
    shut merge sell""".split()  # noqa: SIM905
)
# An opening the closed-question check allows before a comma ("Overall, ...").
_OPENER = re.compile(r"^\s*(?:overall|thinking\s+about[^,]*|in\s+general)\s*,", _I)
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten a half""".split()  # noqa: SIM905
)


def _side_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9&'’-]+", text)


def _options_of_one_question(before: str, right: list[str]) -> bool:
    """Whether "or" ends the answer options of one question: a list ("a smoker, an ex-smoker
    or ...") or two futures for the same thing ("stay where it is or move")."""
    clause = _OPENER.sub("", before)
    if "," in clause:
        return True
    left_verbs = {w.lower() for w in _side_words(clause)} & _FUTURE_OF
    return bool(left_verbs) and right[0].lower() in _FUTURE_OF


def joined_pair(text: str, protected: list[tuple[int, int]]) -> tuple[str, str] | None:
    """The two things a closed question joins with "and" (or a second proposal with "or").

    `protected` are character spans (fixed pairs) that are never split."""
    first_sentence = re.split(r"(?<=[?.!])\s+", text.strip())[0]
    if not _CLOSED_OPENING.search(first_sentence):
        return None
    for m in re.finditer(r"\b(and|or)\b", first_sentence, _I):
        if any(a <= m.start() < b for a, b in protected):
            continue
        before = first_sentence[: m.start()].rstrip(" ,")
        after = first_sentence[m.end() :]
        left, right = _side_words(before), _side_words(after)
        if not left or not right:
            continue
        if re.search(r"\bbetween\b[^,?]*$", before, _I) or re.search(r"\bboth\b", before, _I):
            continue
        if left[-1].lower() in _NUMBER_WORDS and right[0].lower() in _NUMBER_WORDS:
            continue
        if left[-1][:1].isupper() and right[0][:1].isupper() and right[0] not in ("I",):
            continue  # names of places or services
        if _REASON_SECOND.match(after) and not _NEW_QUESTION.match(after):
            continue
        if re.search(r"\binstead\b", after, _I):
            continue  # "stop sending letters and use texts instead" is one change
        if (
            m.group(1).lower() == "or"
            and (
                _OR_SAME_QUESTION.match(after)
                or _options_of_one_question(before, right)
                # "a, b or c" ends a list; ", or did you ..." is the other answer to one question
                or first_sentence[: m.start()].rstrip().endswith(",")
                or not (_OR_PROPOSAL.match(after) or _NEW_QUESTION.match(after))
            )
        ):
            continue
        left_phrase = " ".join(left[-4:])
        right_phrase = " ".join(right[:5]).rstrip("?")
        return left_phrase, right_phrase
    return None


def has_free_joiner(text: str, protected: list[tuple[int, int]]) -> bool:
    """Whether "and" or "or" joins anything outside fixed pairs, names and "and why"."""
    for m in re.finditer(r"\b(and|or)\b", text, _I):
        if any(a <= m.start() < b for a, b in protected):
            continue
        left = _side_words(text[: m.start()])
        right = _side_words(text[m.end() :])
        if not left or not right:
            continue
        if left[-1][:1].isupper() and right[0][:1].isupper():
            continue
        if _OPEN_SECOND.match(text[m.end() :]) and not _NEW_QUESTION.match(text[m.end() :]):
            continue
        return True
    return False
