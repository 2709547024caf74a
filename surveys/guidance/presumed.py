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
    r"|\b(?:are|were)\s+you\s+(?:pleased|happy|glad)\s+that\b|\bare\s+you\s+proud\b"
    # "How pleased are you with...": a scale that only runs one way ("satisfied" is neutral).
    r"|\bhow\s+(?:pleased|delighted|glad|thankful|worried|concerned|unhappy)\s+(?:are|were)\s+you"
    r"\s+(?:with|by|about)\s+(?:the|our|this|these)\s+(?:new|recent|latest|improved|planned"
    r"|shortage|lack|loss|closure|cuts?|rise|decline|changes?|rising|growing|increasing|impact)\b"
    r"|\b(?:are|were)\s+you\s+(?:fed\s+up|sick|tired)\s+(?:with|of)\b"
    # "How long have you been unhappy with...": the feeling is taken as given.
    r"|\bhow\s+long\s+have\s+you\s+(?:been|felt)\s+(?:so\s+)?(?:unhappy|dissatisfied|worried"
    r"|frustrated|angry|annoyed|concerned|fed\s+up|disappointed|let\s+down)\b",
    _I,
)
_GAIN = (
    r"improved?|helped?|benefit(?:t?ed)?|made\s+(?:it\s+|life\s+|your\s+life\s+)?(?:easier"
    r"|better|simpler|safer|quicker)|made\s+(?:your\s+)?life\s+easier"
)
_BENEFIT = re.compile(
    rf"\b(?:how(?:\s+much)?|in\s+what\s+ways?|what\s+ways?)\s+(?:has|have|did|does)\b[^?]{{0,60}}"
    rf"\b(?:{_GAIN}|cut|shortened|reduced|saved)\b"
    r"|\bhow\s+much\s+(?:quicker|faster|shorter|simpler|cheaper|cleaner|safer|easier)\b"
    r"|\bwhat\s+(?:benefits?|improvements?|difference)\s+(?:have|has|did)\b"
    r"|\bwhich\s+of\s+(?:the|these|our)\s+(?:new\s+)?(?:improvements?|benefits?)\b"
    r"|\bwhich\s+of\s+our\s+new\b[^?]{0,40}\b(?:easier|better|helped?)\b"
    r"|\bnoticed\s+how\s+(?:much|many)\b|\bsave\s+you\s+(?:time|a\s+trip|money)\b"
    r"|\b(?:how\s+much\s+(?:time|money)\s+(?:did|has|have))\b[^?]{0,40}\bsaved?\b"
    r"|\b(?:is|are|has|have)\s+(?:the|our|this|these)\s+(?:new|improved|extended|latest)\b"
    r"[^?]{0,40}\b(?:helping|helped|made\s+it\s+easier|made\s+(?:life|things)\s+(?:easier|better)"
    r"|improved|improving|making\s+(?:it|life|things)\s+(?:easier|better))\b",
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
    r"|\brecent\s+failures\b"
    # A problem named as settled fact: "the shortage of dentists", "the housing crisis".
    r"|\bthe\s+(?:[\w-]+\s+)?(?:shortage|lack|chaos|mess|decline|failure|failings)\s+(?:of|in|at)\b"
    r"|\b(?:housing|staffing|care|nhs|funding|recruitment|dental|dentistry|gp|parking)\s+crisis\b"
    # "Should people be expected to travel 30 miles...": asked so that only 'no' fits.
    r"|\bshould\s+(?:people|patients|residents|anyone|anybody|families|carers|parents"
    r"|children|older\s+people|we|you)\s+(?:really\s+)?(?:be\s+(?:expected|forced|left|asked)"
    r"|have)\s+to\s+(?:put\s+up|pay\s+more|travel|wait|suffer|struggle|cope|go\s+without)\b"
    # "Why is it important to you that...": the importance is taken as given.
    r"|\bwhy\s+(?:is|are|was)\s+(?:it|this|they|that)\s+(?:so\s+)?(?:important|vital|valuable"
    r"|essential|special|crucial)\b"
    # "Do you think it is wrong that...": a situation stated as fact, then judged one way.
    r"|\b(?:it\s+is|it's)\s+(?:wrong|right|unfair|fair|acceptable|unacceptable|reasonable"
    r"|unreasonable|ok|okay)\s+(?:that|for\s+(?!you\b|me\b)\w+\s+to)\b(?![^?]*\bor\s+(?:not|un|wrong))"
    # A claim slipped in as an aside: "..., which costs millions each year".
    r"|,\s*which\s+(?:[\w'-]+\s+){0,4}?(?:costs?|saved?|saves|wastes?|loses?|lost)\b"
    r"[^,?]{0,30}\b(?:millions?|thousands?|billions?|£\s?[\d,.]+|a\s+fortune|so\s+much)\b",
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
