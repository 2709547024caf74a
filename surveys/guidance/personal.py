"""Spotting questions that ask for personal identifiable information (survey rule 6).

Decisions (each has a row in the tests' example table):
- "your GP practice" as the subject of a question is fine ("How easy was it to contact your GP
  practice?"); asking which practice or GP someone uses, or its name, is personal data.
- The first part of a postcode (the outward code, such as PR1) covers thousands of homes and
  is how the panel suggests a place, so only a full postcode is flagged.
- Age bands are standard equality monitoring; only date of birth is flagged.
- Instructions such as "Do not include your name" are not requests and are not flagged.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# (what is asked for, pattern), most specific first: the first match names the finding.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an NHS number", re.compile(r"\bNHS\s+(?:number|no\b)|\bhospital\s+number\b", _I)),
    (
        "a date of birth",
        re.compile(
            r"\bdate\s+of\s+birth\b|\bbirth\s?date\b|\bbirthday\b|\bDOB\b"
            r"|\bwhen\s+were\s+you\s+born\b",
            _I,
        ),
    ),
    (
        "an identifying number",
        re.compile(
            r"\b(?:national\s+insurance|patient|NI|case|reference|room)\s+(?:number|no\b)", _I
        ),
    ),
    ("an email address", re.compile(r"\be-?mail\s+address|\byour\s+e-?mail\b", _I)),
    (
        "a phone number",
        re.compile(r"\b(?:phone|telephone|mobile|contact)\s+(?:number|no\b)", _I),
    ),
    ("a postcode", re.compile(r"\bpost\s?code\b", _I)),
    (
        "the name of their GP practice or of someone who looks after them",
        re.compile(
            r"\bname\s+of\s+(?:your|their)\s+(?:GP|doctor|consultant|practice|surgery|social"
            r"\s+worker|key\s+worker|care\s+worker|nurse|midwife|health\s+visitor|therapist)"
            r"|\b(?:GP|doctor|consultant|practice|surgery)(?:'s)?\s+name\b"
            r"|\b(?:which|what)\s+(?:GP\s+practice|GP\s+surgery|GP|surgery|doctor)\s+"
            r"(?:are|is|do|did|were|have)\b"
            r"|\b(?:which|what)\s+(?:GP\s+)?(?:practice|surgery)\b[^?.]{0,30}\bregistered\b",
            _I,
        ),
    ),
    (
        "a home address",
        re.compile(
            r"\b(?:your|home|postal|full|street|house)\s+address\b|\baddress\s+where\s+you\b"
            r"|\bhouse\s+(?:number|name)\b|\b(?:your|the)\s+street\b",
            _I,
        ),
    ),
    (
        "a name",
        re.compile(
            r"\b(?:your|full|first|last|given|family|maiden|child's|carer's)\s+name\b"
            r"|\bsurname\b|\bforename\b|\bname\s+of\s+your\s+(?:child|carer|partner)\b",
            _I,
        ),
    ),
)

# A less identifying question that often does the same job.
ALTERNATIVES = {
    "a postcode": "If you only need the area, ask for the first part of the postcode (such as "
    "PR1) instead.",
    "a date of birth": "If you only need an age, ask for an age band instead.",
}

# A request negated a few words earlier is an instruction not to share it.
_NEGATED_BEFORE = re.compile(
    r"\b(?:do\s+not|don't|dont|never|without|no\s+need\s+to|not\s+to)\b[^.?!]{0,40}$", _I
)
_OUTWARD_CODE = re.compile(
    r"\b(?:first|start|beginning|opening)\s+(?:part|half|bit|few\s+letters)\s+of\s+"
    r"(?:your|the)\s+$",
    _I,
)
_POSTCODE_AREA_AFTER = re.compile(r"^\s*(?:district|area|sector)\b", _I)


def _is_request(what: str, text: str, match: re.Match[str]) -> bool:
    before, after = text[: match.start()], text[match.end() :]
    if _NEGATED_BEFORE.search(before):
        return False
    outward_only = _OUTWARD_CODE.search(before) or _POSTCODE_AREA_AFTER.match(after)
    if what == "a postcode" and re.match(r"\s+lottery\b", after, _I):
        return False  # "the postcode lottery": a phrase, not a request
    return not (what == "a postcode" and outward_only)


def personal_data_asked(text: str) -> str | None:
    """What personal identifiable information `text` asks for, or None."""
    text = text.replace("’", "'")
    for what, pattern in _PATTERNS:
        if any(_is_request(what, text, m) for m in pattern.finditer(text)):
            return what
    return None
