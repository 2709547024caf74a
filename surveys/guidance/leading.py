"""Leading questions (survey rule 5): wording that tells people which answer is wanted.

Shapes, each reported with the words that matched:
- a loaded opening or tag ("Don't you think...", "Surely...", "..., wasn't it?");
- praise or blame built into the question ("our friendly team", "How excellent...");
- a loaded premise: a contested claim stated as fact before the question ("Given that the
  wait is too long, should we...", "As the service is not working, ...", "The current system
  is failing patients. Do you...");
- loaded or emotive words that take a side ("support our plans", "stop wasting money",
  "much-needed", "outdated", "finally sort out");
- what the wording takes for granted (presumed.py: feelings, benefits, small costs, rhetoric);
- how the choice is framed (framing.py: a claim stated before the question, joining the
  organisation's side, a goal stated as the effect, a question only 'yes' fits, only the good
  side, strong praise or blame);
- "Do you agree..." without the other side (advice: a balanced scale can put it right).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .framing import claims, framed
from .presumed import presumed
from .shapes import judged

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
    r"|\bwould\s+it\s+not\s+(?:be|make)\b"
    r"|^\s*(?:wouldn't|shouldn't|isn't|aren't|doesn't|won't|wasn't)\s+\w+[^?]*\?\s*$"
    r"|^\s*(?:is|was|are|were|does|do|would|should|could|can)\s+(?:it|this|that|there|we|you)\s+not\b|^\s*who\s+(?:wouldn't|would\s+not|doesn't|does\s+not)\b"
    r"|^\s*(?:don't|doesn't|shouldn't|isn't|wouldn't)\s+(?:patients|people|residents|everyone"
    r"|everybody|families|parents|carers|staff)\b"
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
    r"|\bso\s+(?:poor|bad|popular|good|successful|unpopular|awful|important)\b"
    r"|\bhow\s+much\s+(?:has|have|did)\b(?![^?]*\bif\s+at\s+all\b)[^?]{0,60}\baffected\b"
    r"|\b(?:pleased|happy|delighted|grateful)\s+(?:are\s+you\s+|were\s+you\s+)?with\s+(?:the|our)"
    r"\s+improvements\b|\bwhat\s+do\s+you\s+love\b|\bhow\s+much\s+do\s+you\s+love\b"
    r"|\bpraised?\b|\bcongratulated\b|\bhappily\b|\boverwhelmingly\b|\bforward-thinking\b"
    r"|\bcommon-?sense\b|\bpurpose-built\b"
    r"|\bhow\s+(?:big|great|much)\s+(?:of\s+)?an?\s+(?:improvement|success|difference|help)\b"
    r"|\bhow\s+(?:concerned|worried|angry|upset|frustrated|pleased|happy|relieved)\s+are\s+you"
    r"\s+that\b|\babove\s+and\s+beyond\b|\bextra\s+mile\b|\btireless(?:ly)?\b"
    r"|\bwork(?:s|ed|ing)?\s+(?:so\s+|very\s+)?hard\b|\bnoticed\s+the\s+(?:difference|improvement)\b"
    r"|\b(?:safer|cleaner|greener|healthier|brighter|stronger|fairer|better|faster|quicker"
    r"|cheaper|simpler)\s*,\s*(?:safer|faster|quicker|cheaper|simpler"
    r"|cleaner|greener|healthier|brighter|stronger|fairer|better|more\s+modern)\b",
    _I,
)
_LOADED_WORDS = re.compile(
    r"\b(?:support|back|welcome|share)\s+(?:our|the\s+council's|the\s+nhs's|the)\b[^?]{0,40}?"
    r"\b(?:plans?|commitment|investment|decision|ambitions?|concerns?|vision|efforts?)\b"
    r"|\b(?:stop|end|keep|avoid)\s+(?:wasting|throwing|spending\s+money\s+on)\b"
    r"|\bwasteful\b|\bwast(?:e|es|ing|ed)\s+(?:of\s+)?(?:so\s+much\s+|even\s+more\s+|more\s+)?(?:(?:public|taxpayers\'?|nhs|our|your|their|valuable|precious)\s+)?(?:money|resources|funds?|cash|appointments?|budgets?|beds?|staff\s+time)\b|\bthrowing\s+money\b|\bscrap(?:ping)?\b(?!\s+(?:metal|yards?|paper|cars?|vehicles?))|\boutdated\b"
    r"|\bfailing\b|\blet\s+(?:patients|residents|people|you)?\s*down\b|\bnightmare\b"
    r"|\bunacceptable\b|\bunfair\b|\bdisgrace(?:ful)?\b|\bshocking\b|(?<!feel\s)(?<!feels\s)(?<!\ba\s)(?<!any\s)\bdangerous\b(?!\s+weather)"
    r"|\b(?:mis|ab)us(?:e|ing)\s+(?:of\s+)?(?:the\s+|our\s+)?(?:a&e|ambulance|services?"
    r"|system|nhs|999|appointments?|benefits?|staff|resources|parking)\b|\bwho\s+(?:mis|ab)use\b"
    r"|\boverstretched\b|\bpostcode\s+lottery\b|\bred\s+tape\b"
    r"|(?<!you\s)(?<!they\s)(?<!i\s)(?<!we\s)\bfinally\b|\bdeserve\b|\btaxpayers?\b|\bempty\s+beds\b|\bsave\s+lives\b"
    r"|\bputting\s+patients\s+first\b|\bresponsible\s+(?:parent|resident|citizen)\b"
    r"|(?<!plans\sto\s)(?<!plan\sto\s)(?<!proposals\sto\s)(?<!proposal\sto\s)\btransform\b|\bfar\s+too\b|(?<!how\s)\bclearly\b|\bobvious(?:ly)?\b|\beveryone\s+knows\b"
    r"|\bprotect\s+(?:patients|frontline|services|the\s+nhs)\b"
    r"|\bour\s+(?:plans?|proposals?)\s+to\s+(?:improve|transform|modernise|protect|make|cut"
    r"|bring|save|keep|tackle)\b"
    r"|\b(?:support|back|welcome)\s+(?:the\s+)?(?:plans?|proposals?|moves?|drive)\s+to\b"
    r"|\b(?:support|back|welcome|in\s+favour\s+of)\s+(?:our|the\s+[\w-]+(?:\s+[\w-]+)?'s)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:plans?|proposals?|drive|ambitions?|bid|campaign|vision|efforts?)\b"
    r"|\b(?:campaign|fight|battle)\s+to\s+(?:save|keep|protect|stop)\b|\bcentre\s+of\s+excellence\b"
    r"|\bkeep\s+(?:raising|putting\s+up|increasing|cutting|closing)\b"
    r"|\b(?:anyone|anybody|people|patients|families|residents)\s+should\s+(?:have|be\s+made)\s+to\b"
    r"|\b(?:is|are|was|were)\s+right\s+to\b|\beven\s+though\b"
    r"|\bwhen\s+(?:it|they|we)\s+(?:has|have|had|already|keeps?|can't|cannot)\b"
    r"|\bsuccess\s+of\s+(?:the|our|its)\b"
    r"|\bget\s+tough\b|\bcrack(?:ing)?\s+down\b|\bclamp(?:ing)?\s+down\b|\bneedless(?:ly)?\b"
    r"|\bpointless\b|\bhard-?pressed\b|\bscandal(?:ous)?\b|\bcrumbling\b|\bselfish\b"
    r"|\bclog(?:ging|ged)?\s+up\b|\bjump(?:ing)?\s+the\s+queue\b|\bprecious\b"
    r"|\bcount\s+on\s+your\s+support\b|\b(?:see|put)\s+an\s+end\s+to\b"
    r"|\b(?:carry\s+on|keep|continue\s+to|go\s+on)\s+(?:ignoring|ignore|neglecting|neglect)\b"
    r"|\bbe\s+allowed\s+to\s+(?:carry\s+on|keep|continue|get\s+away)\b"
    r"|\bstill\s+(?:choose|chooses|insist|insists|refuse|refuses)\b"
    r"|\bwhen\s+they\s+(?:don't|do\s+not)\s+need\s+to\b"
    r"|\bbetter\s+for\s+(?:everyone|everybody|all\s+of\s+us)\b|\bdo\s+(?:your|their|our)\s+bit\b"
    r"|\b(?:play|do)\s+(?:your|their|our)\s+part\b|\bresponsibly\b"
    r"|\b(?:firm|tough|tougher|decisive|urgent|strong|stronger)\s+action\b"
    r"|\b(?:how\s+(?:strongly|much)|to\s+what\s+extent)\s+would\s+you\s+(?:be\s+)?(?:object"
    r"|disappointed|upset|sad|angry|mind|miss|welcome)\b|\b(?:feel|think)\s+about\s+losing\b"
    r"|\bor\s+(?:lose|see\s+cuts\s+to)\s+(?:your|our|the)\b|\bfrustration\b|\boutrage\b"
    r"|\bis\s+there\s+any\s+(?:good\s+)?(?:reason|point|need|excuse)\b|\bhardly\s+anyone\b"
    r"|(?<!if\s)\bwhy\s+you\s+(?:support|like|love|agree|welcome|value|oppose|dislike)\b"
    r"|\b(?:reason|why)\s+(?:why\s+)?(?:you\s+)?(?:haven't|have\s+not|hasn't|didn't|don't)\b"
    r"[^?]{0,50}\byet\b|\bmore\s+firmly\b|\brobustly\b|\bcheaply\b"
    r"|\bfit\s+for\s+(?:the\s+)?(?:21st|twenty-first)\s+century\b"
    r"|\btake\s+more\s+responsibility\b|\beverybody\s+knows\b|\b(?:the|a)\s+crisis\s+(?:in|facing)\b",
    _I,
)
# A premise clause, then a comma and the question: "Given that X, should we...?"
_PREMISE = re.compile(
    r"^\s*(?:given\b(?!\s+(?:a|the|your|this|these)\s+(?:choice|option|chance)\b|\s+(?:what|your|you)\b)|as|since|now\s+that|because|with|in\s+light\s+of"
    r"|in\s+view\s+of|considering|knowing\s+that|seeing\s+as|bearing\s+in\s+mind"
    r"|at\s+a\s+time\s+(?:when|of)|in\s+these)\b"
    r"(?P<premise>[^,?]{6,}?),\s*"
    r"(?:should|would|do|does|did|is|are|was|were|how|what|which|will|can|could|shall|why)\b",
    _I,
)
# "As a carer, ..." or "As you know, ..." sets the scene without stating a claim.
_SCENE = re.compile(
    r"^\s*(?:a|an|someone|one|part|well\s+as|you|we(?!\s+all\b)|with\s+(?:your|you)|far\s+as|best\s+(?:as\s+)?you"
    r"|much\s+as\s+you)\b",
    _I,
)
# "Now that your treatment has finished, ...": the resident's own situation, not a claim, unless
# it is judged ("Since your surgery is failing").
_OWN_SITUATION = re.compile(r"^\s*(?:your|you've|you\s+have|you\s+are|you're)\b", _I)
# A contested claim, not a plain fact: a problem, a pressure, a trend or an amount judged
# ("Given that the wait is far too long"); "As the clinic is moving in May" states a fact.
_CLAIM = re.compile(
    r"\b(?:too|so|not\s+working|no\s+longer|nobody|shortage|crisis|lack|problems?|pressures?"
    r"|demand|struggling|huge|success(?:ful)?|stretched|strain|enormous|under\s+pressure"
    r"|more\s+and\s+more|everyone|everybody|we\s+all|decline|declining|dying|millions|billions"
    r"|losing|loses|fit\s+for\s+purpose|failing|spiral+ing|soaring|rocketing|mounting|worsening"
    r"|shrinking|dwindling|surging|getting\s+(?:worse|longer|harder)|rising|growing|increasing"
    r"|how\s+(?:few|much|many|hard|little|popular))\b",
    _I,
)
# A statement of opinion before the question: "The service is failing. Do you agree?"
_STATEMENT_THEN_QUESTION = re.compile(r"^(?P<statement>[^?]+?[.!])\s+(?P<question>[^.?!]+\?)\s*$")
_OPINION = re.compile(
    r"\b(?:most|many|all|everyone|everybody|nobody|residents|patients|people)\b[^.]{0,40}"
    r"(?<!not\s)(?<!n't\s)(?<!never\s)"
    r"\b(?:want|told\s+us|tell\s+us|feel|agree|think|say|said|know|prefer|made\s+it\s+clear)\b"
    r"|\b(?:is|are)\s+(?:failing|broken|not\s+working|too|unsafe|poor|the\s+best|better)\b"
    r"|\b(?:struggl(?:e|es|ing)|can't\s+afford|cannot\s+afford|on\s+its\s+knees|breaking\s+point"
    r"|lifeline|at\s+risk|left\s+behind|suffer(?:s|ing)?)\b"
    r"|\b(?:huge|great|real|big|massive|resounding|complete|total)\s+(?:success|improvement"
    r"|failure|mistake|step\s+forward|let-?down)\b"
    r"|\b(?:doctors|experts|nurses|research|studies|evidence|scientists|clinicians|the\s+science)"
    r"\s+(?:\w+\s+)?(?:recommends?|agrees?|shows?|says?|suggests?|proves?|tells?\s+us)\b",
    _I,
)
# Social proof: what most people or many others already do, offered as a reason to join them.
_CROWD = re.compile(
    r"(?<!how\s)\b(?:most|many|lots\s+of|thousands\s+of|hundreds\s+of|millions\s+of"
    r"|the\s+(?:vast\s+|overwhelming\s+|great\s+)?majority\s+of|more\s+and\s+more|(?:\d+|one|two|three|four|five|six|seven|eight"
    r"|nine)\s+(?:out\s+of|in)\s+(?:\d+|ten|five|four|three|every))\s+"
    r"(?:of\s+(?:you|us|your\s+neighbours)\b|(?:local\s+|other\s+)?(?:people|patients|residents"
    r"|parents|families|carers|users|neighbours|areas|councils|practices|towns)\b)",
    _I,
)
_CROWD_DOES = re.compile(
    r"\b(?:now|already|prefer(?:s|red)?|choose|chose|chosen|want(?:s|ed)?|use|using|said|say"
    r"|tell|told|agree[sd]?|support(?:s|ed)?|back(?:s|ed)?|signed|happy|switched|moved|tried)\b",
    _I,
)
_CROWD_QUESTION = re.compile(
    r"^\s*like\s+(?:most|many|other|lots|thousands|hundreds|the\s+majority|your|everyone)\b"
    r"[^,?]*,|\bjoin\s+(?:the\s+)?(?:thousands|hundreds|millions|many|majority|others|other"
    r"|\d[\d,]*)\b|\bone\s+of\s+the\s+(?:many|thousands|hundreds|growing\s+number|majority)\b",
    _I,
)
# "Is it fair that...": a claim stated as fact, then a question about whether it is fair.
_FAIRNESS = re.compile(
    r"^\s*is\s+it\s+(?:fair|right|acceptable|reasonable|sensible|ok|okay|just)\s+"
    r"(?:that|to(?!\s+say\b)|for\s+(?!you\b|me\b))\b",
    _I,
)
# "clearly" as a manner of explaining ("explain your treatment clearly") takes no side.
_CLEARLY_MANNER = re.compile(
    r"\b(?:how|explain(?:ed)?|spoke|speak|talk(?:ed)?|writ(?:e|ten)|wrote|set\s+out|label+ed"
    r"|signposted|marked|shown|described?|communicated|told|tell|said|say|displayed|presented"
    r"|printed|laid\s+out|advertised|signed|posted|listed)\b(?:\s+[\w'-]+){0,3}"
    r"\s+$",
    _I,
)
_STATEMENT_GRID = re.compile(
    r"\bagree\s+with\s+(?:each|every|these|the\s+following|each\s+of\s+the\s+following)\b", _I
)
_AGREE = re.compile(
    r"\b(?:do|would|did)\s+you\s+agree\b|\bhow\s+(?:much|strongly)\s+do\s+you\s+agree\b"
    r"|\bto\s+what\s+extent\s+do\s+you\s+agree\b|\bhow\s+(?:much|strongly)\s+do\s+you\s+support\b"
    r"|\bdo\s+you\s+agree\s*\?\s*$",
    _I,
)
# "Some people prefer a call and others a letter.": a statement that gives both sides.
_BOTH_SIDES = re.compile(
    r"\b(?:and|but|while|whilst|whereas)\s+(?:some\s+)?others\b|\bsome\b[^.]*\bsome\b"
    r"|\bothers\s+(?:don't|do\s+not|prefer|would|want|say)\b",
    _I,
)
_NEUTRAL_FIX = (
    "Ask it neutrally and let people answer either way, for example 'How would you rate...',"
    " 'What do you think of...' or 'To what extent do you agree or disagree...'."
)


def _words(match: re.Match[str]) -> str:
    return " ".join(match.group().split()).strip(" ,")


def _takes_a_side(text: str, match: re.Match[str]) -> bool:
    """False for a loaded-looking word used neutrally: "explain it clearly", or "support"
    in a question that offers the other side too ("support or oppose")."""
    word = match.group().lower()
    if word.startswith("how much") and re.search(r"\bif\s+at\s+all\b", text, _I):
        return False
    if word == "clearly":
        return not _CLEARLY_MANNER.search(text[: match.start()])
    if word.startswith(("support", "back", "welcome", "in favour")):
        return not re.search(r"\boppose\b|\bor\s+not\b|\bagainst\b", text, _I)
    return True


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
    if (
        premise
        and not _SCENE.match(premise["premise"])
        and not (_OWN_SITUATION.match(premise["premise"]) and not judged(premise["premise"]))
        and (_CLAIM.search(premise["premise"]) or claims(premise["premise"]))
    ):
        claim = " ".join(premise.group().split()).rsplit(",", 1)[0]
        return Leading(
            "error",
            claim,
            f"It starts from a claim stated as fact ('{claim}'), so people are asked to accept"
            " it before they answer.",
            "Remove the claim, or ask about it as a question of its own; then ask neutrally.",
        )
    fairness = _FAIRNESS.search(text)
    if fairness:
        return Leading(
            "error",
            _words(fairness),
            f"'{_words(fairness)}' states a situation as fact and asks whether it is fair,"
            " which invites one answer.",
            "Describe the situation plainly in the help text and ask what people think of it,"
            " for example 'How fair or unfair do you think it is...' with a balanced scale.",
        )
    statement = _STATEMENT_THEN_QUESTION.match(text)
    said = statement["statement"] if statement else ""
    crowd = (_CROWD.search(said) if _CROWD_DOES.search(said) else None) or (
        _CROWD_QUESTION.search(text)
    )
    if crowd:
        return Leading(
            "error",
            _words(crowd),
            f"It tells people what others already do or want ('{_words(crowd)}'), which"
            " pressures them to give the same answer.",
            "Leave out what other people do and ask about the person's own view or need. "
            + _NEUTRAL_FIX,
        )
    if (
        statement
        and _OPINION.search(statement["statement"])
        and not _BOTH_SIDES.search(statement["statement"])
    ):
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
        found = next((m for m in pattern.finditer(text) if _takes_a_side(text, m)), None)
        if found:
            return Leading(
                "error",
                _words(found),
                f"It {what} ('{_words(found)}'), which tells people which answer is wanted.",
                "Remove the loaded words and describe the proposal plainly. " + _NEUTRAL_FIX,
            )
    taken = presumed(text) or framed(text)
    if taken:
        words, what = taken
        return Leading(
            "error",
            words,
            f"It {what} ('{words}'), which tells people which answer is wanted.",
            "Ask without assuming the answer, allowing for none ('if at all', 'if any'). "
            + _NEUTRAL_FIX,
        )
    found = _AGREE.search(text)
    if found and not re.search(r"\bdisagree\b", text, _I) and not _STATEMENT_GRID.search(text):
        return Leading(
            "advice",
            _words(found),
            f"'{_words(found)}' offers only one side, and agree statements nudge people to agree.",
            "Ask 'To what extent do you agree or disagree...' with a balanced scale, or ask the"
            " question directly.",
        )
    return None
