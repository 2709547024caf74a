"""Shape features for the guidance model: what a question does, not which phrases it uses.

Each shape is a general pattern of English questions (a claim stated before the question, a
value-laden word, a request for something that identifies the resident), so it carries over to
wording the corpus has never seen. The model weighs them alongside its word n-grams; when one
pushes a question over the threshold, its `note` is the plain-English part of the explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

# General English words that judge rather than describe (praise, blame, alarm, certainty),
# written as a small evaluative lexicon, not from the corpus. Neutral rating words ("good",
# "important", "easy") are left out: plain questions ask about them all the time.
EVALUATIVE = frozenset(
    """excellent wonderful amazing fantastic brilliant outstanding superb fabulous marvellous
    terrific splendid exceptional impressive remarkable first-rate world-class first-class
    award-winning state-of-the-art cutting-edge innovative exciting ambitious bold visionary
    modern modernised transformative vibrant thriving dedicated hardworking hard-working
    tireless caring compassionate committed selfless heroic devoted loyal trusted much-needed
    long-awaited long-overdue overdue vital essential crucial invaluable precious life-saving
    lifesaving sensible common-sense responsible fair generous valuable worthwhile
    terrible awful dreadful appalling shocking disgraceful disgusting outrageous scandalous
    unacceptable intolerable ridiculous absurd pointless needless useless wasteful wasting waste
    wasted squandered squandering reckless irresponsible careless negligent incompetent
    inefficient failing failed broken chaotic crumbling outdated out-of-date old-fashioned
    bureaucratic unfair unjust greedy lazy rude dangerous unsafe harmful damaging risky
    disastrous catastrophic crisis scandal shambles mess fiasco burden burdened overstretched
    overwhelmed struggling suffering neglected abandoned forgotten hard-pressed hard-earned
    excessive exorbitant extortionate overpriced bloated inflated obviously clearly surely
    undoubtedly undeniably certainly plainly simply absolutely totally utterly completely
    desperately hugely vastly massively seriously sadly unfortunately thankfully finally
    rightly wrongly proper properly decent""".split()  # noqa: SIM905
)
_EVALUATIVE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")

# "Given that ..., should we": a clause that sets out a claim before the question.
_PREMISE = re.compile(
    r"^\s*(?:given|since|because|now\s+that|considering|seeing\s+(?:as|that)|in\s+light\s+of"
    r"|in\s+view\s+of|knowing\s+that|bearing\s+in\s+mind|despite|at\s+a\s+time\s+(?:when|of)"
    r"|with\s+(?:so\s+many|so\s+much|more|fewer|less|rising|falling|record|the\s+cost))\b"
    r"[^,?]{4,},",
    _I,
)
# "As ..., / With ..., / While ...,": an opening clause that may set the scene or a claim.
_OPENING_CLAUSE = re.compile(r"^\s*(?:as|with|while|whilst|after|when|if|although)\b[^,?]{4,},", _I)
# A statement (ending "." or "!") before the question mark.
_STATEMENT_FIRST = re.compile(r"^[^?]*\w[^?]*[.!]\s+[^.!?]+\?\s*$")
_INTENSIFIED = re.compile(
    r"\b(?:far|much|way|so|too|very|really|extremely|incredibly|increasingly)\s+(?:too\s+)?"
    r"(?:long|short|slow|expensive|high|low|many|few|little|much|late|hard|difficult|costly)\b",
    _I,
)
_NEGATIVE_OPENING = re.compile(
    r"^\s*(?:don't|doesn't|didn't|isn't|aren't|wasn't|weren't|wouldn't|shouldn't|won't|can't"
    r"|haven't|hasn't)\b|,\s*(?:isn't|aren't|don't|doesn't|wouldn't|shouldn't|won't|can't)\s+\w+"
    r"\s*\?\s*$",
    _I,
)
_SEEKS_BACKING = re.compile(
    r"\b(?:support|back|welcome|endorse|approve\s+of|get\s+behind|agree)\b", _I
)
# Both sides offered: "agree or disagree", "support or oppose", "if at all", "or not".
_BALANCED = re.compile(
    r"\b(?:agree\s+or\s+disagree|support\s+or\s+oppose|for\s+or\s+against|satisfied\s+or"
    r"\s+dissatisfied|good\s+or\s+(?:bad|poor)|better\s+or\s+worse|easy\s+or\s+difficult"
    r"|fair\s+or\s+unfair|safe\s+or\s+unsafe|likely\s+or\s+unlikely|if\s+at\s+all|if\s+anything"
    r"|or\s+not|either\s+way|(?:more|less)\s+or\s+(?:less|more)|about\s+right|no\s+(?:view|opinion)"
    r"|support,\s+oppose|(?:better|worse),\s+(?:worse|better)|neither|don't\s+know"
    # "Some people want X and others want Y": a statement that gives both sides.
    r"|(?:and|but|while|whilst|whereas)\s+(?:some\s+)?others)\b",
    _I,
)
# The stem of a grid of statements, each rated on an agree-disagree scale.
_STATEMENT_GRID = re.compile(
    r"\bagree\s+with\s+(?:each|every|these|those|the\s+following|the\s+statements?)\b", _I
)
# Taking a change's success for granted: "how much has it helped", "the improvements we made".
_PRESUPPOSES = re.compile(
    r"\bhow\s+much\s+(?:better|easier|safer|quicker|faster|more|has|have|did)\b(?![^?]*\bif\s+at"
    r"\s+all\b)|\b(?:the|its|our|this)\s+(?:success|improvements?|benefits?|progress)\s+(?:of"
    r"|we|you|it|that|in|on)\b|\bbuild\s+on\b|\bhow\s+big\s+an?\s+(?:improvement|difference)\b",
    _I,
)
# The organisation asking people to side with it: "our plans", "share our concern", "help us".
_OUR_SIDE = re.compile(
    r"\b(?:share|join|back|support|count\s+on)\s+(?:our|us|the\s+campaign|your\s+support)\b"
    r"|\bour\s+(?:[\w'-]+\s+)?(?:plans?|proposals?|ambition|vision|campaign|efforts|bid|aim|goal"
    r"|mission|commitment|pledge)\b|\bhelp\s+us\s+(?:to\s+)?(?:protect|save|keep|make|stop"
    r"|fight|tackle|cut)\b|\blike\s+us\b|\bdo\s+your\s+bit\b",
    _I,
)
# What identifies a person: their name, a number or date tied to them, where they live.
_IDENTIFIER = (
    r"name|surname|initials|number|no\.?|date\s+of\s+birth|birthday|address|postcode|post\s+code"
    r"|reference|e-?mail|phone|mobile|telephone|signature|registration|id|details|street|road"
    r"|employer|workplace|school"
)
_ASKS_IDENTIFIER = re.compile(
    rf"\byour\s+(?:[\w'-]+\s+){{0,3}}(?:{_IDENTIFIER})\b"
    rf"|\b(?:give|provide|enter|write|state|tell\s+us|share|include|let\s+us\s+know|supply)\b"
    rf"[^?.]{{0,30}}\b(?:{_IDENTIFIER})\b",
    _I,
)
# "Which GP / school / employer ...", "who is your ...": naming a person or place that points
# to the resident.
_ASKS_WHICH_ONE = re.compile(
    r"\b(?:which|what|who\s+is|who's)\s+(?:is\s+)?(?:the\s+name\s+of\s+)?(?:your\s+)?"
    r"(?:[\w'-]+\s+)?(?:gp|doctor|practice|surgery|school|employer|company|firm|consultant"
    r"|dentist|social\s+worker|street|road|ward|flat|house|estate|care\s+home|nursery|college)\b"
    # "Which GP practice services...": about what the place offers, not which one is theirs.
    r"(?!\s+(?:practice\s+)?(?:services?|staff|team|hours|times|building|website|app|facilities"
    r"|appointments?|opening|parking|phone|changes?)\b)",
    _I,
)


@dataclass(frozen=True)
class Shape:
    """One shape feature: its model feature name, how to spot it and what it means."""

    name: str
    note: str


SHAPES = (
    Shape("h:premise", "it states something as fact in an opening clause before the question"),
    Shape("h:opening_clause", "it opens with a clause that may set out a claim"),
    Shape("h:statement_first", "it makes a statement before asking the question"),
    Shape("h:evaluative", "it uses words that judge rather than describe"),
    Shape("h:intensified", "it says how much of something there is as if that were agreed"),
    Shape("h:negative_opening", "it is phrased to expect 'yes' ('Don't you...', '..., isn't it?')"),
    Shape("h:seeks_backing", "it asks people to support, back or agree with something"),
    Shape("h:balanced", "it offers both sides"),
    Shape("h:statement_grid", "it introduces statements to rate"),
    Shape("h:presupposes", "it takes for granted that a change has worked"),
    Shape("h:our_side", "it asks people to side with the organisation's own plans or aims"),
    Shape("h:asks_identifier", "it asks for something that identifies the person"),
    Shape("h:asks_which_one", "it asks which named person or place the resident uses"),
)
NOTES = {shape.name: shape.note for shape in SHAPES}


def evaluative_words(text: str) -> list[str]:
    """The words of `text` in the evaluative lexicon, in order, each once."""
    found = [w for w in _EVALUATIVE_WORD.findall(text.lower()) if w in EVALUATIVE]
    return list(dict.fromkeys(found))


def judged(text: str) -> bool:
    """Whether `text` judges what it describes: an evaluative word or an intensified amount."""
    return bool(evaluative_words(text) or _INTENSIFIED.search(text))


def shape_features(text: str) -> list[str]:
    """The names of the shapes `text` has."""
    text = text.replace("’", "'")
    checks = {
        "h:premise": _PREMISE.search(text),
        "h:opening_clause": _OPENING_CLAUSE.search(text),
        "h:statement_first": _STATEMENT_FIRST.search(text),
        "h:evaluative": evaluative_words(text),
        "h:intensified": _INTENSIFIED.search(text),
        "h:negative_opening": _NEGATIVE_OPENING.search(text),
        "h:seeks_backing": _SEEKS_BACKING.search(text),
        "h:balanced": _BALANCED.search(text),
        "h:statement_grid": _STATEMENT_GRID.search(text),
        "h:presupposes": _PRESUPPOSES.search(text),
        "h:our_side": _OUR_SIDE.search(text),
        "h:asks_identifier": _ASKS_IDENTIFIER.search(text),
        "h:asks_which_one": _ASKS_WHICH_ONE.search(text),
    }
    return [name for name, found in checks.items() if found]
