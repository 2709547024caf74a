"""Wording rules for one piece of question text: too_long, jargon, double_barrelled, leading,
personal_data.

double_barrelled heuristic (joined.py adds the less obvious shapes), tuned for few false alarms
(it is advice, not an error):
1. Two evaluative adjectives or -ly adverbs joined by "and" ("friendly and helpful", "quickly
   and safely"). Joined by "or" only when both lean the same way ("rude or unhelpful"):
   "easy or difficult" is a balanced choice, "by car or bus" an either/or.
2. Two noun phrases joined by "and" after an evaluative stem (satisfied with, rate, think of,
   how good / how easy, a question opening with was/were/is/are): "How satisfied were you with
   the cleanliness and the food?". Both sides must be short (up to 6 words) and the second must
   not start a new clause (and why / and did you / and tell us), so "Where did you go, and
   why?" passes: an open question may ask for a reason. "or" never joins noun phrases here.
Fixed pairs that name one thing (health and care, care and treatment, food and drink, friends
and family) and place names (Lancashire and South Cumbria) are never split.
"""

from __future__ import annotations

import re

from .explain import (
    double_barrelled_finding,
    jargon_findings,
    leading_finding,
    model_finding,
    personal_data_finding,
    too_long_findings,
)
from .joined import has_free_joiner, joined_pair
from .leading import leading
from .model import MODEL_RULES, model_flags
from .personal import personal_data_asked, personal_data_declined
from .spec import Finding

_I = re.IGNORECASE


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


POSITIVE_ADJECTIVES = _wordset(
    """friendly helpful polite kind caring respectful clean tidy safe comfortable quiet private
    clear easy quick fast useful informative professional welcoming supportive accessible
    convenient affordable efficient knowledgeable reassuring responsive attentive courteous
    approachable good simple relevant accurate timely reliable organised happy satisfied
    confident informed involved listened"""
)
NEGATIVE_ADJECTIVES = _wordset(
    """rude unhelpful unkind dirty unsafe uncomfortable noisy unclear difficult hard slow
    confusing poor bad late inaccurate unreliable disorganised unhappy dissatisfied
    disrespectful unprofessional"""
)
_SUFFIX_ADJECTIVE = re.compile(r"(?:ful|ous|able|ible|ive)$")
_NOT_ADJECTIVES = _wordset(
    """give live receive arrive drive five alive forgive olive table cable vegetable able
    only family early daily weekly monthly yearly july reply supply apply rely
    assembly"""
)
_INTENSIFIERS = _wordset("very really quite fairly so too always")

FIXED_PAIRS = (
    "health and social care",
    "health and care",
    "care and treatment",
    "treatment and care",
    "care and support",
    "health and wellbeing",
    "food and drink",
    "friends and family",
    "family and friends",
    "accident and emergency",
    "ear, nose and throat",
    "pros and cons",
    "dignity and respect",
    "terms and conditions",
    "agree or disagree",
    "agree and disagree",
    "and/or",
    # Everyday compounds that name one thing.
    "bed and breakfast",
    "fish and chips",
    "tenants and residents",
    "tenants' and residents'",
    "fruit and vegetables",
    "fruit and veg",
    "drug and alcohol",
    "drugs and alcohol",
    "mother and baby",
    "parent and toddler",
    "parents and carers",
    "arts and crafts",
    "wear and tear",
    "law and order",
    "sexual and reproductive health",
    "hearing and sight",
    "bits and pieces",
    "confidence and trust",
    "trust and confidence",
    "safe and secure",
    "peace and quiet",
    "park and ride",
    "stay and play",
    "name and date of birth",
    "pick and mix",
)
_FIXED_PAIR = re.compile("|".join(re.escape(p) for p in FIXED_PAIRS), _I)
# "park-and-ride", "pick-and-mix": a hyphenated compound names one thing.
_HYPHENATED = re.compile(r"\w+(?:-(?:and|or|n)-\w+)+", _I)
# One thing or one choice, not two: a range ("between booking and your appointment"), a
# compound subject ("Were you and your partner..."), a balanced pair of comparatives ("longer or
# shorter than", "more or less").
_ONE_CHOICE = re.compile(
    r"\bbetween\s+[^,?;]{1,60}?\s+and\b"
    r"|^\s*(?:were|was|did|do|have|had|are|would|will|could|can)\s+you\s+and\s+your\s+(?:partner|family|child|children|baby|carer|husband|wife|household"
    r"|relatives?|family\s+member)\b"
    r"|\b\w+er\s+or\s+\w+er\b(?=\s+than\b|\s*[?,]|\s+or\b|\s+(?:than\s+)?(?:before|usual|expected))"
    r"|\b(?:more|better|worse|less|longer|shorter)\s+or\s+(?:less|worse|better|more|fewer)\b",
    _I,
)


def _protected(text: str) -> list[tuple[int, int]]:
    """The spans "and" and "or" are never split at: fixed pairs, hyphenated compounds, ranges,
    "you and your partner" and balanced comparatives."""
    matches = (
        *_FIXED_PAIR.finditer(text),
        *_HYPHENATED.finditer(text),
        *_ONE_CHOICE.finditer(text),
    )
    return [m.span() for m in matches]


_STEM = re.compile(
    r"\b(?:dis)?satisfied\s+(?:were\s+you\s+|are\s+you\s+|you\s+were\s+)?with\b"
    r"|\b(?:happy|pleased)\s+(?:were\s+you\s+|are\s+you\s+)?with\b"
    r"|\bsatisfaction\s+with\b|\brate\b|\brating\s+(?:of|for)\b"
    r"|\bthink\s+(?:of|about)\b|\b(?:views?|opinions?)\s+(?:on|of|about)\b"
    r"|\bagree\s+(?:that|with)\b"
    r"|\bhow\s+(?:good|clean|helpful|easy|useful|clear|quick|safe|friendly)\b"
    r"|^\s*(?:how\s+)?(?:was|were|is|are)\b",
    _I,
)
_CLAUSE_STARTERS = _wordset(
    """why how what where when who whom whose which whether if you we i they he she it there
    did do does was were is are would could will can should has have had then also so not
    please tell explain describe give say let"""
)
_MAX_SIDE_WORDS = 6
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[,?.!;:()]")


def _is_adjective(word: str) -> bool:
    word = word.lower()
    if word in POSITIVE_ADJECTIVES or word in NEGATIVE_ADJECTIVES:
        return True
    if word in _NOT_ADJECTIVES or len(word) < 5:
        return False
    return bool(_SUFFIX_ADJECTIVE.search(word)) or (word.endswith("ly") and len(word) > 5)


def _polarity(word: str) -> int:
    word = word.lower()
    return (word in POSITIVE_ADJECTIVES) - (word in NEGATIVE_ADJECTIVES)


def _adjective_pair(text: str) -> tuple[str, str] | None:
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
    fixed = _protected(text)
    for i, (token, start) in enumerate(tokens):
        joiner = token.lower()
        if joiner not in ("and", "or") or any(a <= start < b for a, b in fixed):
            continue
        left = next((t for t, _ in reversed(tokens[:i]) if t != ","), "")
        right_tokens = [t for t, _ in tokens[i + 1 :] if t.lower() not in _INTENSIFIERS]
        right = right_tokens[0] if right_tokens else ""
        if not (_is_adjective(left) and _is_adjective(right)) or left.lower() == right.lower():
            continue
        if joiner == "or" and "," in text[:start]:
            continue  # the last of a list of options: "very good, good, fair, bad or very bad"
        if joiner == "and" or _polarity(left) * _polarity(right) > 0:
            return left, right
    return None


def _noun_phrase_pair(text: str) -> tuple[str, str] | None:
    stem = _STEM.search(text)
    if not stem:
        return None
    rest = re.split(r"[?.,;:!]", text[stem.end() :], maxsplit=1)[0]
    offset = stem.end()
    for m in re.finditer(r"\band\b", rest, _I):
        at = offset + m.start()
        if any(a <= at < b for a, b in _protected(text)):
            continue
        left_words = rest[: m.start()].split()
        right_words = rest[m.end() :].split()
        if not (0 < len(left_words) <= _MAX_SIDE_WORDS and 0 < len(right_words) <= _MAX_SIDE_WORDS):
            continue
        if right_words[0].lower() in _CLAUSE_STARTERS:
            continue
        if left_words[-1][:1].isupper() and right_words[0][:1].isupper():
            continue  # a place or service name such as Lancashire and South Cumbria
        return " ".join(left_words), " ".join(right_words)
    return None


def double_barrelled(text: str) -> tuple[str, str] | None:
    """The two things a question asks about at once, or None."""
    fixed = _protected(text)
    return _adjective_pair(text) or _noun_phrase_pair(text) or joined_pair(text, fixed)


def model_rules_for(text: str) -> tuple[str, ...]:
    """The rules the model is asked about for `text`: double_barrelled only when "and" or "or"
    joins something other than a fixed pair, a name or an open "and why", so wording alone
    ("How would you rate...") cannot look double-barrelled; personal_data not when the rules
    found personal data mentioned only in ways that do not ask for it ("do not include your
    name")."""
    fixed = _protected(text)
    left_out = set() if has_free_joiner(text, fixed) else {"double_barrelled"}
    if personal_data_declined(text):
        left_out.add("personal_data")
    return tuple(rule for rule in MODEL_RULES if rule not in left_out)


def check_wording(
    text: str,
    *,
    key: str | None = None,
    line: int | None = None,
    ig_justification: str = "",
    use_model: bool = True,
) -> list[Finding]:
    """Every wording rule for one question text; `use_model` False gives the rules alone."""
    findings = too_long_findings(text, "question", key, line)
    findings += jargon_findings([text], key, line)
    pair = double_barrelled(text)
    if pair:
        findings.append(double_barrelled_finding(pair, key, line))
    found = leading(text)
    if found:
        findings.append(leading_finding(found, key, line))
    asked = personal_data_asked(text)
    if asked and not ig_justification.strip():
        findings.append(personal_data_finding(asked, key, line))
    if use_model:
        # The rules' own finding says more; an IG justification answers personal data either way.
        flagged = {f.rule for f in findings} | ({"personal_data"} if asked else set())
        if ig_justification.strip():
            flagged.add("personal_data")
        for rule, why in model_flags(text, model_rules_for(text)).items():
            if rule not in flagged:
                findings.append(model_finding(rule, why.words, key, line, shapes=why.shapes))
    return findings
