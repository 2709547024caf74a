"""More shapes of leading question (survey rule 5): what the wording takes for granted.

Each shape is a general pattern of English, not a list of sentences:
- a feeling taken for granted ("How angry are you about...", "Are you relieved that...");
- a benefit taken for granted ("How has the new hub made it easier...", "What benefits have
  you noticed...", "Which of the improvements..."), unless the question allows for none ("if
  at all", "if any");
- a cost made to look small ("just £1 a week", "a small charge", "a little more");
- a question that asks people to accept or understand a decision ("Do you accept that...",
  "Can you see why we need...");
- a rhetorical question ("Why should anyone have to...", "How can it be right...");
- a purpose stated as fact before the question ("To keep services safe, should...");
- praise the organisation gives itself or its staff ("our helpful team", "the friendly staff",
  "our already popular club", "even better").
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# The question allows for no benefit, no change or no feeling at all.
_HEDGED = re.compile(r"\bif\s+(?:at\s+all|any(?:thing)?)\b|\bor\s+not\b|\bany\s+difference\b", _I)

_FEELING = re.compile(
    r"\bhow\s+(?:angry|frustrated|fed\s+up|annoyed|disappointed|upset|grateful|proud|relieved"
    r"|delighted|impressed|thrilled|excited|outraged|appalled|sad|furious|disgusted)\b"
    r"|\b(?:are|were|would)\s+you\s+(?:be\s+)?(?:relieved|proud|impressed|grateful|delighted"
    r"|thrilled|upset|disappointed|angry|outraged|appalled|excited|frustrated|annoyed|furious"
    r"|disgusted)\s+(?:that|by|with|if|about|of|at|to)\b"
    r"|\b(?:are|were)\s+you\s+(?:pleased|happy|glad)\s+that\b|\bare\s+you\s+proud\b",
    _I,
)
_GAIN = (
    r"improved?|helped?|benefit(?:t?ed)?|made\s+(?:it\s+|life\s+|your\s+life\s+)?(?:easier"
    r"|better|simpler|safer|quicker)|made\s+(?:your\s+)?life\s+easier"
)
_BENEFIT = re.compile(
    rf"\b(?:how|in\s+what\s+ways?|what\s+ways?)\s+(?:has|have|did|does)\b[^?]{{0,60}}\b(?:{_GAIN})\b"
    r"|\bwhat\s+(?:benefits?|improvements?|difference)\s+(?:have|has|did)\b"
    r"|\bwhich\s+of\s+(?:the|these|our)\s+(?:new\s+)?(?:improvements?|benefits?)\b"
    r"|\bwhich\s+of\s+our\s+new\b[^?]{0,40}\b(?:easier|better|helped?)\b"
    r"|\bnoticed\s+how\s+(?:much|many)\b|\bsave\s+you\s+(?:time|a\s+trip|money)\b"
    r"|\b(?:how\s+much\s+(?:time|money)\s+(?:did|has|have))\b[^?]{0,40}\bsaved?\b",
    _I,
)
_SMALL_COST = re.compile(
    r"\b(?:just|only)\s+£\s?\d|\b(?:a\s+)?(?:small|little|modest|tiny|few\s+pence)\s+(?:extra\s+)?"
    r"(?:charge|fee|amount|increase|rise|price|contribution|payment)\b|\ba\s+(?:little|bit)\s+"
    r"(?:more|extra)\b",
    _I,
)
_ACCEPT = re.compile(
    r"^\s*(?:do|would)\s+you\s+(?:accept|recognise|recognize|appreciate|acknowledge|realise"
    r"|realize)\s+(?:that|the\s+need|why|how)\b|^\s*can\s+you\s+(?:see|understand)\s+why\b"
    r"|^\s*do\s+you\s+understand\s+why\s+(?:we|the\s+council|the\s+trust|it)\b",
    _I,
)
_RHETORICAL = re.compile(
    r"^\s*why\s+should\s+(?:anyone|anybody|people|patients|residents|families|we|you|taxpayers)"
    r"\b|\bhow\s+can\s+(?:it|this|that)\s+be\s+(?:right|fair|acceptable|allowed)\b"
    r"|\b(?:difficult|challenging|tough|hard)\s+times\b|\bnamed\s+and\s+shamed\b"
    r"|\bfall(?:ing)?\s+apart\b|\bdisast(?:er|rous)\b|\bcramped\b|\blazy\b|\bat\s+last\b"
    r"|\bwidely\s+(?:welcomed|supported|praised|accepted|recognised|backed)\b"
    r"|\b(?:a\s+small\s+number|only\s+a\s+(?:few|handful|small\s+number)|a\s+handful|a\s+few)"
    r"\s+(?:of\s+)?(?:people|residents|patients|parents)\s+(?:have\s+)?(?:complained|objected"
    r"|opposed|raised)\b|\bthere\s+is\s+no\s+doubt\b|\bno\s+one\s+can\s+deny\b"
    r"|\bit\s+is\s+(?:clear|obvious|widely\s+accepted|well\s+known|undeniable)\s+that\b"
    r"|\brecent\s+failures\b",
    _I,
)
_PURPOSE = re.compile(
    r"^\s*(?:to|in\s+order\s+to|so\s+as\s+to)\s+(?!help\s+us\b|make\s+sure\b)(?:keep|protect"
    r"|save|improve|reduce|cut|tackle|ensure|secure|help|make|bring|speed)\b[^,?]{3,},"
    r"(?=\s*(?:should|would|will|do|does|can|could|are|is|shall)\b)",
    _I,
)
_SELF_PRAISE = re.compile(
    r"\bour\s+(?:[\w-]+\s+)?(?:helpful|kind|efficient|welcoming|modern|improved|popular|lovely"
    r"|spacious|convenient|handy|skilled|expert|talented|successful|generous|wonderful"
    r"|quick\s+and\s+(?:simple|easy))\b|\bthe\s+(?:helpful|friendly|kind|caring|lovely|welcoming"
    r"|efficient|knowledgeable)\s+(?:[\w-]+\s+)?(?:advice|staff|team|nurses?|doctors?"
    r"|receptionists?|volunteers?|service|care|support|pharmacists?)\b"
    r"|\balready\s+(?:popular|successful|excellent|good|great|busy)\b|\beven\s+better\b"
    r"|\b(?:the|this|our)\s+popular\b|\b(?:quicker|easier|simpler|safer|faster|better),\s+"
    r"(?:quicker|easier|simpler|safer|faster|better)\b",
    _I,
)

#: each shape with what it does, for the finding's explanation.
PRESUMED = (
    (_FEELING, "takes for granted how people feel"),
    (_BENEFIT, "takes for granted that a change has helped"),
    (_SMALL_COST, "makes a cost look small"),
    (_ACCEPT, "asks people to accept a decision rather than give their view"),
    (_RHETORICAL, "is rhetorical or uses loaded words that take a side"),
    (_PURPOSE, "states what a change will achieve as if it were agreed"),
    (_SELF_PRAISE, "praises the service it asks about"),
)


def presumed(text: str) -> tuple[str, str] | None:
    """The words that take an answer for granted in `text`, and what they do; or None."""
    hedged = _HEDGED.search(text)
    for pattern, what in PRESUMED:
        if hedged and pattern in (_BENEFIT, _FEELING):
            continue
        found = pattern.search(text)
        if found:
            return " ".join(found.group().split()).strip(" ,"), what
    return None
