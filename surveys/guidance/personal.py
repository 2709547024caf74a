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

# People whose name would identify the resident: who looks after them.
_CARERS = (
    r"GP\s+practice|GP\s+surgery|GP|surgery|practice|doctor|consultant|dentist|midwife|social"
    r"\s+worker|key\s+worker|health\s+visitor|named\s+nurse"
)

# "Which hospital consultant", "which doctor's practice": at most one describing word between.
_KIND = (
    r"(?:(?:hospital|dental|local|usual|main|doctor's|GP|family|own|primary|secondary|high"
    r"|special|nursery|care|nursing|your\s+child's)\s+)?"
)
# "Which surgery hours...", "what practice staff...": about the place, not who the person is.
_ABOUT_THE_PLACE = (
    r"practice|surgery|area|staff|team|services?|building|appointments?|website|hours|times"
    r"|opening|car|parking"
    r"|reception(?:ists?)?|phone|app|letters?|visits?|waiting|closures?|changes?|rooms?"
    r"|facilities|buildings|halls?|grounds|playing\s+fields|holidays?|terms?|meals?|transport"
)

# (what is asked for, pattern), most specific first: the first match names the finding.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an NHS number", re.compile(r"\bNHS\s+(?:number|no\b)|\bhospital\s+number\b", _I)),
    (
        "a date of birth",
        re.compile(
            r"\bdate\s+of\s+(?:(?:your|their|his|her)\s+)?(?:[\w'’]+\s+)?birth\b|\bbirth\s?date\b|(?<!last\s)(?<!next\s)\bbirthday\b|\bDOB\b"
            r"|\b(?:when|what\s+date|on\s+what\s+date)\s+were\s+you\s+born\b"
            r"|\b(?:day|date)\b[^?.]{0,30}\byou\s+were\s+born\b",
            _I,
        ),
    ),
    (
        "an identifying number",
        re.compile(
            r"\b(?:national\s+insurance|patient|NI|case|reference|room|badge|account|payroll|staff"
            r"|employee|membership|card|passport|licen[cs]e|pass|tenancy|claim|customer|pupil"
            r"|student)\s+(?:number|no\b)",
            _I,
        ),
    ),
    (
        "an email address",
        re.compile(
            r"\be-?mail\s+address|\byour\s+(?:work\s+|personal\s+|home\s+)?e-?mail\b"
            r"|\b(?:give|provide|enter|leave|share)\s+(?:us\s+)?an?\s+e-?mail\b",
            _I,
        ),
    ),
    (
        "a car registration",
        re.compile(
            r"\b(?:car|vehicle|van)(?:'s)?\s+reg(?:istration)?\b|\bnumber\s+plate\b"
            r"|\bregistration\s+(?:number|plate|of\s+(?:the|your)\s+(?:car|vehicle|van))\b",
            _I,
        ),
    ),
    (
        "a phone number",
        re.compile(
            # "The practice has a new phone number" is the organisation's number, not theirs.
            r"(?<!\bour\s)(?<!\bits\s)(?<!\bnew\s)(?<!\bthe\s)\b(?:phone|telephone|mobile|contact)"
            r"\s+(?:number|no\b)"
            r"|\b(?:give|provide|enter|leave|share|tell\s+us|write|what\s+is|what's)\s+(?:us\s+)?"
            r"(?:your|a)\s+(?:home\s+|work\s+)?(?:telephone|phone|mobile|landline)\b"
            r"|\bnumber\s+(?:to|we\s+can|we\s+could)\s+(?:call|ring|reach|contact|text)\b"
            r"|\b(?:call|ring|reach|contact|text)\s+you\s+on\b",
            _I,
        ),
    ),
    ("a postcode", re.compile(r"\bpost\s?code\b", _I)),
    (
        "the name of their GP practice or of someone who looks after them",
        re.compile(
            r"\bname\s+of\s+(?:your|their|the)\s+(?:[\w'-]+\s+){0,3}?(?:GP|doctor|consultant"
            r"|practice|surgery|social\s+worker|key\s+worker|care\s+worker|nurse|midwife"
            r"|health\s+visitor|therapist|person\s+who\s+(?:cares|looks))\b"
            r"|\bname\s+(?:the|your)\s+(?:GP|practice|surgery|doctor|consultant)\b"
            r"|\bnames?\s+of\s+(?:any\s+|the\s+)?(?:staff|nurses?|doctors?|carers?|care\s+workers?"
            r"|people|person|workers?)\b"
            r"|\b(?:GP|doctor|consultant|practice|surgery)(?:'s)?\s+name\b"
            rf"|\b(?:which|what)\s+{_KIND}(?:{_CARERS})(?:'s)?\s+(?!{_ABOUT_THE_PLACE})[a-z]+"
            r"|\b(?:which|what)\s+(?:GP\s+)?(?:practice|surgery)\b[^?.]{0,30}\bregistered\b"
            r"|\bwho\s+(?:is|was)\s+(?:the|your)\s+(?:[\w'-]+\s+){0,2}?(?:contact|key\s?worker"
            r"|care\s+co-?ordinator|teacher|head\s?teacher|landlord|officer|employer|boss|manager)\b"
            r"|\bname\s+of\s+your\s+(?:[\w'-]+\s+){0,2}?(?:officer|worker|landlord|teacher"
            r"|co-?ordinator|advocate|manager)\b"
            rf"|\bwho\s+(?:is|was|are|were)\s+your\s+(?:[\w-]+'s\s+)?(?:usual\s+|named\s+|main\s+|own\s+)?"
            rf"(?:{_CARERS}|carer|next\s+of\s+kin|partner)\b|\bnext\s+of\s+kin\b",
            _I,
        ),
    ),
    (
        "where they work, study or live in care",
        re.compile(
            r"\bwho\s+(?:do|did)\s+you\s+work\s+for\b"
            r"|\b(?:which|what|who)\b[^?]{0,40}\b(?:employed\s+by|works?\s+for)\b"
            r"|\b(?:what\s+is|what's|give|tell\s+us|name)\s+(?:us\s+)?(?:the\s+name\s+of\s+)?your"
            r"\s+(?:place\s+of\s+work|workplace|employer)\b"
            r"|\b(?:company|organisation|organization|firm|business|employer)\s+(?:do|did)\s+you"
            r"\s+work\b|\bname\s+of\s+(?:your|their|the)\s+(?:[\w'-]+\s+){0,3}?(?:employer|school"
            r"|nursery|college|care\s+home|nursing\s+home|business|company|firm|workplace"
            r"|organisation)\b"
            rf"|\b(?:which|what)\s+{_KIND}(?:employer"
            r"|school|nursery|college|care\s+home|nursing\s+home|residential\s+home|hospice)\b"
            rf"(?!\s+(?:nurse|meals?|places?|holidays?|{_ABOUT_THE_PLACE}))"
            r"(?=[^?]*\b(?:you|your|they|their|he|she|his|her|child|relative)\b)",
            _I,
        ),
    ),
    (
        "a home address",
        re.compile(
            r"\b(?:your|home|postal|full|street|house|work)\s+address\b|\baddress\s+where\s+you\b"
            r"|\bhouse\s+(?:number|name)\b"
            # "your street" asked for, not "litter in your street" or "the street lighting".
            r"|\b(?:what|which|name\s+of|give|tell\s+us|enter)\b[^?]{0,20}\b(?:your|the)\s+street\b"
            r"|(?<!in\s)(?<!on\s)(?<!along\s)(?<!near\s)(?<!outside\s)(?<!is\s)(?<!does\s)(?<!has\s)\byour\s+street\b"
            r"(?!\s+(?:light\w*|clean\w*|sweep\w*|furniture|parking|market|part(?:y|ies)|signs?))"
            r"|\b(?:what|which)\s+(?:road|street|avenue|lane)\s+(?:do|did)\s+you\b"
            r"|\bname\s+of\s+(?:your|the)\s+(?:road|street)\b|\bname\s+and\s+address\b"
            r"|\baddress\s+of\s+(?:your|their)\b|\b(?:tell\s+us|give|let\s+us\s+know)\s+where\s+you"
            r"\s+live\b(?=[^?]*\b(?:visit|send|post|deliver)\b)|\b(?:bed|bay)\s+(?:number|were\s+you)\b"
            r"|\bward\s+and\s+bed\b",
            _I,
        ),
    ),
    (
        "a name",
        re.compile(
            r"\b(?:your|full|first|last|given|family|maiden|child's|carer's)\s+name\b"
            r"|\bsurname\b|\bforename\b|\bname\s+of\s+your\s+(?:child|carer|partner)\b"
            r"|\binitials\b|\busername\b|\b(?:twitter|instagram|tiktok|facebook|social\s+media)"
            r"\s+(?:handle|account|profile)\b|\b(?:carers|nurses|children|parents|doctors|workers"
            r"|neighbours)'\s+names?\b|\b(?:facebook|twitter|instagram|tiktok|social\s+media"
            r"|user)\s*name\b|\b(?:child|son|daughter|partner|husband|wife|mother|mum|father|dad"
            r"|carer|consultant|doctor|GP|nurse|friend|relative|neighbour|baby|parent|teacher"
            r"|worker|person|patient)'s\s+(?:full\s+|first\s+|last\s+)?(?:name|surname)\b"
            r"|\bnames?\s+of\s+(?:everyone|everybody|anyone|the\s+people|people|those|all\s+the"
            r"\s+people|your\s+(?:children|family|relatives|household))\b",
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
# A yes/no question about the data ("Do you know where to find your NHS number?", "Did the
# receptionist ask for your date of birth?") asks about an experience, not for the data.
_ABOUT_NOT_ASKING = re.compile(
    r"^\s*(?:do|did|does|have|has|had|was|were)\b(?![^?]*\b(?:want|wish|like|mind|willing)\b)[^?]*\b(?:know|find|found|ask(?:ed)?"
    r"(?:\s+you)?\s+for|check(?:ed)?|remember|forg[eo]t|kept|keep|updated?|changed?|confirm(?:ed)?"
    r"|repeat(?:ed)?|give|gave|given|provide[d]?|share[d]?)\b(?:\s+[\w'-]+){0,3}\s+$",
    _I,
)
_OUTWARD_CODE = re.compile(
    r"\b(?:first|start|beginning|opening)\s+(?:part|half|bit|few\s+letters)\s+of\s+"
    r"(?:your|the)\s+$",
    _I,
)
_RECORDED_RIGHT = re.compile(
    r"^\s+(?:was\s+|were\s+|is\s+)?(?:spel(?:led|t)|written|shown|printed|recorded|given)\s+"
    r"(?:correctly|right|wrongly|incorrectly|properly)\b",
    _I,
)
_POSTCODE_AREA_AFTER = re.compile(r"^\s*(?:district|area|sector)\b", _I)


def _is_request(what: str, text: str, match: re.Match[str]) -> bool:
    before, after = text[: match.start()], text[match.end() :]
    if _NEGATED_BEFORE.search(before) or _ABOUT_NOT_ASKING.search(before):
        return False
    if _RECORDED_RIGHT.match(after):
        return False  # "Was your name spelled correctly?" asks about a record, not for the name
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


def personal_data_declined(text: str) -> bool:
    """Whether `text` mentions personal data only in ways that do not ask for it ("Please do
    not include your name", "the first part of your postcode"): the model is not asked then."""
    text = text.replace("’", "'")
    mentioned = [(what, m) for what, pattern in _PATTERNS for m in pattern.finditer(text)]
    return bool(mentioned) and not any(_is_request(what, text, m) for what, m in mentioned)
