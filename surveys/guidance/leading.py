"""Leading questions (survey rule 5): wording that tells people which answer is wanted.

Shapes, each reported with the words that matched:
- a loaded opening or tag ("Don't you think...", "Surely...", "..., wasn't it?");
- praise or blame built into the question ("our friendly team", "How excellent...");
- a loaded premise: a contested claim stated as fact before the question ("Given that the
  wait is too long, should we...", "As the service is not working, ...", "The current system
  is failing patients. Do you...");
- loaded or emotive words that take a side ("support our plans", "stop wasting money",
  "much-needed", "outdated", "finally sort out");
- "Do you agree..." without the other side (advice: a balanced scale can put it right).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True)
class Leading:
    """Why a question is leading, the words that show it, and how serious it is."""

    severity: str
    words: str
    why: str
    fix: str


_LOADED_OPENING = re.compile(
    r"^\s*(?:don't|do\s+not|wouldn't|would\s+not|shouldn't|isn't|aren't|didn't|won't|can't"
    r"|doesn't|wasn't|weren't)\s+(?:you|it|we|they|this|that|there|the|our|a)\b"
    r"|\bsurely\b|\bisn't\s+it\s+(?:true|the\s+case|right|obvious)\b|\bwouldn't\s+it\s+be\b"
    r"|\bwould(?:n't|\s+not)\s+you\s+agree\b|\byou\s+would\s+agree\b"
    r"|,\s*(?:isn't|aren't|wasn't|weren't|don't|doesn't|didn't|won't|wouldn't|shouldn't"
    r"|can't|couldn't|hasn't|haven't)\s+(?:it|you|they|we|he|she|there|that|this)\s*\?\s*$",
    _I,
)
_PRAISE = (
    r"excellent|wonderful|amazing|fantastic|brilliant|outstanding|superb|fabulous"
    r"|dedicated|hard-?working|award-winning|world-class|first-class|state-of-the-art"
    r"|much-needed|long-awaited|exciting|innovative|ambitious|sensible|vital|life-saving"
)
_PRESUMING = re.compile(
    rf"\b(?:{_PRAISE})\b"
    r"|\bhow\s+(?:great|bad|terrible|awful|poor|disappointing|dreadful)\b"
    r"|\bhow\s+much\s+(?:did|do|would)\s+you\s+(?:enjoy|like|love|value|appreciate)\b"
    r"|\bour\s+(?:[a-z-]+\s+)?(?:great|friendly|caring|committed|compassionate)\b"
    r"|\bimproved\s+new\b|\bnew\s+and\s+improved\b"
    r"|\bhow\s+much\s+(?:better|worse|more|easier|safer)\b"
    r"|\bhow\s+much\s+(?:has|have|did|does|do|will|would)\b[^?]{0,60}\b(?:improved?|helped?|easier|better|simpler|safer)\b"
    r"|\bso\s+(?:poor|bad|popular|good|successful|unpopular|awful|important)\b",
    _I,
)
_LOADED_WORDS = re.compile(
    r"\b(?:support|back|welcome|share)\s+(?:our|the\s+council's|the\s+nhs's|the)\b[^?]{0,40}?"
    r"\b(?:plans?|commitment|investment|decision|ambitions?|concerns?|vision|efforts?)\b"
    r"|\b(?:stop|end|keep|avoid)\s+(?:wasting|throwing|spending\s+money\s+on)\b"
    r"|\bwast(?:ing|ed|eful)\b|\bwaste\s+(?:of\s+)?(?:money|time|resources)\b|\bthrowing\s+money\b|\bscrap(?:ping)?\b|\boutdated\b"
    r"|\bfailing\b|\blet\s+(?:patients|residents|people|you)?\s*down\b|\bnightmare\b"
    r"|\bunacceptable\b|\bunfair\b|\bdisgrace(?:ful)?\b|\bshocking\b|\bdangerous\b"
    r"|\b(?:mis|ab)us(?:e|ing)\b|\boverstretched\b|\bpostcode\s+lottery\b|\bred\s+tape\b"
    r"|\bfinally\b|\bdeserve\b|\btaxpayers?\b|\bempty\s+beds\b|\bsave\s+lives\b"
    r"|\bputting\s+patients\s+first\b|\bresponsible\s+(?:parent|resident|citizen)\b"
    r"|\btransform\b|\bfar\s+too\b|(?<!how\s)\bclearly\b|\bobvious(?:ly)?\b|\beveryone\s+knows\b"
    r"|\bprotect\s+(?:patients|frontline|services|the\s+nhs)\b"
    r"|\bour\s+(?:plans?|proposals?)\s+to\s+(?:improve|transform|modernise|protect)\b",
    _I,
)
# A premise clause, then a comma and the question: "Given that X, should we...?"
_PREMISE = re.compile(
    r"^\s*(?:given\s+(?:that|the|how)|as|since|now\s+that|because|with|in\s+light\s+of"
    r"|in\s+view\s+of|considering|knowing\s+that|seeing\s+as|bearing\s+in\s+mind)\b"
    r"(?P<premise>[^,?]{6,}?),\s*"
    r"(?:should|would|do|does|did|is|are|was|were|how|what|which|will|can|could|shall|why)\b",
    _I,
)
# "As a carer, ..." or "As you know, ..." sets the scene without stating a claim.
_SCENE = re.compile(r"^\s*(?:a|an|someone|one|part|well|you|we|with\s+(?:your|you))\b", _I)
_CLAIM = re.compile(
    r"\b(?:is|are|was|were|has|have|had|keeps?|knows?|facing|struggling|too|so|not|no"
    r"|nobody|shortage|crisis|lack|problems?|delays?|pressures?|demand)\b",
    _I,
)
# A statement of opinion before the question: "The service is failing. Do you agree?"
_STATEMENT_THEN_QUESTION = re.compile(r"^(?P<statement>[^?]+?[.!])\s+(?P<question>[^.?!]+\?)\s*$")
_OPINION = re.compile(
    r"\b(?:most|many|all|everyone|everybody|nobody|residents|patients|people)\b[^.]{0,40}"
    r"\b(?:want|told\s+us|feel|agree|think|say|know|prefer)\b"
    r"|\b(?:is|are)\s+(?:failing|broken|not\s+working|too|unsafe|poor|the\s+best|better)\b",
    _I,
)
_AGREE = re.compile(
    r"\b(?:do|would|did)\s+you\s+agree\b|\bhow\s+(?:much|strongly)\s+do\s+you\s+agree\b"
    r"|\bto\s+what\s+extent\s+do\s+you\s+agree\b|\bhow\s+(?:much|strongly)\s+do\s+you\s+support\b"
    r"|\bdo\s+you\s+agree\s*\?\s*$",
    _I,
)
_NEUTRAL_FIX = (
    "Ask it neutrally and let people answer either way, for example 'How would you rate...',"
    " 'What do you think of...' or 'To what extent do you agree or disagree...'."
)


def _words(match: re.Match[str]) -> str:
    return " ".join(match.group().split()).strip(" ,")


def leading(text: str) -> Leading | None:
    """Why `text` leads people towards an answer, or None."""
    text = text.replace("’", "'")
    found = _LOADED_OPENING.search(text)
    if found:
        return Leading(
            "error",
            _words(found),
            f"The wording '{_words(found)}' suggests the answer we want to hear.",
            _NEUTRAL_FIX,
        )
    premise = _PREMISE.search(text)
    if premise and not _SCENE.match(premise["premise"]) and _CLAIM.search(premise["premise"]):
        claim = " ".join(premise.group().split()).rsplit(",", 1)[0]
        return Leading(
            "error",
            claim,
            f"It starts from a claim stated as fact ('{claim}'), so people are asked to accept"
            " it before they answer.",
            "Remove the claim, or ask about it as a question of its own; then ask neutrally.",
        )
    statement = _STATEMENT_THEN_QUESTION.match(text)
    if statement and _OPINION.search(statement["statement"]):
        return Leading(
            "error",
            statement["statement"],
            f"It opens with an opinion ('{statement['statement'].strip()}') that tells people"
            " what answer is expected.",
            "Remove the opening statement, or give balanced facts in the help text; then ask"
            " neutrally.",
        )
    for pattern, what in (
        (_PRESUMING, "praises or blames the thing we ask about"),
        (_LOADED_WORDS, "uses loaded words that take a side"),
    ):
        found = pattern.search(text)
        if found:
            return Leading(
                "error",
                _words(found),
                f"It {what} ('{_words(found)}'), which tells people which answer is wanted.",
                "Remove the loaded words and describe the proposal plainly. " + _NEUTRAL_FIX,
            )
    found = _AGREE.search(text)
    if found and not re.search(r"\bdisagree\b", text, _I):
        return Leading(
            "advice",
            _words(found),
            f"'{_words(found)}' offers only one side, and agree statements nudge people to agree.",
            "Ask 'To what extent do you agree or disagree...' with a balanced scale, or ask the"
            " question directly.",
        )
    return None
