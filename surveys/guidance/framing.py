"""More shapes of leading question (survey rule 5): how the question frames the choice.

Each shape is a general pattern of English, not a list of sentences:
- a statement before the question that makes a claim (a trend, a success, a problem, what
  everyone or nobody wants, what other places already do): "The new app is much quicker.
  Have you tried it?"; plain facts before a question ("The clinic is open three days a
  week.") and statements that give both sides are not claims;
- the organisation asking people to join its side ("Will you help us fight...", "Join us
  in...", "Are you with us...");
- a goal stated as the effect of the proposal ("Should we make the town safer by
  installing...");
- a penalty framed as what people deserve ("Should people who miss appointments be made to
  pay?");
- a question whose only sensible answer is yes ("Do you want safer streets?", "Would you like
  us to keep your pharmacy open?");
- asking only for the good points of one thing ("Tell us what you love about...", "Why do
  you support...");
- words that praise or blame what is asked about ("the hugely successful scheme", "the much
  better service", "overpriced", "ruining our parks").
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# A statement (ending "." or "!") and then the question.
_STATEMENT = re.compile(r"^(?P<statement>[^?]+?[.!])\s+[^.?!]+\?\s*$")
_CLAIMED = re.compile(
    # trends and records
    r"\b(?:more\s+and\s+more|fewer\s+and\s+fewer|less\s+and\s+less|increasingly|ever-growing"
    r"|growing\s+(?:problem|number|concern|demand|pressure)|(?:more|busier|fuller)\s+[\w\s]{0,25}"
    r"than\s+ever|record\s+(?:numbers?|levels?|demand))\b"
    # what everyone or nobody wants, how few use it
    r"|\b(?:nobody|no\s+one|everyone|everybody)\s+(?:wants?|agrees?|likes?|needs?|knows?)\b"
    r"|\b(?:very|so|only\s+a|too)\s+few\b|\bhardly\s+(?:any|anyone)\b|\b(?:badly|rarely)\s+used\b"
    r"|\bunderused\b|\bother\s+(?:councils|areas|towns|trusts|hospitals|practices|places)\s+"
    r"(?:have\s+)?already\b"
    # success, praise and problems stated as fact
    r"|\b(?:much|far|a\s+lot|significantly|vastly|so\s+much)\s+(?:better|quicker|faster|simpler"
    r"|easier|safer|cleaner|improved|more\s+(?:reliable|convenient|efficient))\b"
    r"|\b(?:huge|big|major|real|great|significant|strong|overwhelming|widespread|massive)\s+"
    r"(?:improvements?|success|support|problem|difference|demand|strain|pressure|benefits?)\b"
    r"|\b(?:among|one\s+of)\s+the\s+(?:best|worst|safest|cleanest|busiest)\b"
    r"|\bworks?\s+(?:well|brilliantly|really\s+well)\b|\b(?:saves?|saved|saving)\s+"
    r"(?:\w+\s+){0,2}(?:thousands|millions|lives|£\s?\d)|\balready\s+saved\b"
    r"|\bkept\s+our\s+promise\b"
    r"|\b(?:most|many|the\s+majority)\s+(?:of\s+(?:our|the)\s+)?(?:patients|residents|people|parents"
    r"|users|customers|families)\s+(?:are|were)\s+(?:happy|pleased|satisfied|keen|glad|content)\b",
    _I,
)
_CAMPAIGN = re.compile(
    r"\bhelp\s+us\s+(?:to\s+)?(?:fight|save|keep|protect|stop|campaign|defend|win)\b"
    r"|\bjoin\s+us\s+in\b|\b(?:are|will)\s+you\s+(?:be\s+)?with\s+us\b|\bget\s+behind\b"
    r"|\bshare\s+our\s+(?:determination|concern|belief|view|passion|commitment|ambition"
    r"|vision|frustration|aim)\b|\bfight\s+against\b|\bsign\s+our\b|,\s*like\s+us,|\blike\s+us\s*,|\bsign(?:ing)?\s+our\s+petition\b",
    _I,
)
_GOAL_BY = re.compile(
    r"^\s*(?:should|would|do\s+you\s+(?:think|want)|could)\b[^?]{0,40}\b(?:improve|make|keep"
    r"|protect|save|boost|tackle|cut|reduce)\b[^?]{1,40}?\bby\s+(?:\w+ing)\b",
    _I,
)
# Only bad answers offered: "Were the staff rude or unhelpful?".
_NEGATIVES = (
    r"(?:rude|unhelpful|unfriendly|uncaring|disrespectful|unprofessional|slow|dirty|unsafe|late"
    r"|poor|careless|confusing|unclear|noisy|unreliable|disorganised|unkind|dismissive)"
)
_ONLY_BAD = re.compile(rf"\b{_NEGATIVES}(?:\s*,\s*{_NEGATIVES})*\s+or\s+{_NEGATIVES}\s*\?\s*$", _I)
_PENALTY = re.compile(r"\bbe\s+(?:made|forced)\s+to\b", _I)
_OBVIOUS = re.compile(
    r"^\s*(?:would\s+you\s+like|do\s+you\s+want|would\s+you\s+want)\s+(?:to\s+see\s+)?"
    r"(?:better|safer|cleaner|shorter|quicker|faster|cheaper|more\s+reliable|less\s+crime"
    r"|fewer\s+potholes)\b"
    r"|^\s*(?:would\s+you\s+like|do\s+you\s+want)\s+(?:us|the\s+council|the\s+trust|the\s+nhs"
    r"|your\s+[\w\s]{1,25}?)\s+to\s+(?:keep\s+(?!you\b)|stay\s+open|carry\s+on\s+with\s+the\s+improvements"
    r"|protect|save)"
    r"|^\s*(?:would\s+you\s+like|do\s+you\s+want)\s+to\s+(?:keep\s+(?!you\b)(?:the|our|your|its|this)"
    r"|save|protect)\b"
    r"|^\s*(?:would\s+you\s+like|do\s+you\s+want)\s+(?:us|the\s+council|the\s+trust|the\s+nhs)\s+to"
    r"\s+(?:carry\s+on|continue|keep\s+(?!you\b)(?:the|our|your|its|this))\b"
    r"|^\s*(?:would\s+you\s+(?:welcome|like|want)|do\s+you\s+want)\s+(?:to\s+see\s+)?(?:more|extra"
    r"|additional|greater)\s+(?:investment|funding|money|spending)\b"
    r"|^\s*would\s+you\s+like\s+to\s+(?:thank|praise|congratulate)\b",
    _I,
)
# Only the good side of one thing: "Tell us what you love about...", "Why do you support...".
_ONLY_GOOD = re.compile(
    r"\b(?:tell\s+us|say|share|describe)\s+(?:what|why)\s+(?:you\s+(?:love|enjoy|value)"
    r"|(?:the|our|this)\s+new\s+[\w\s]{1,25}?\s+(?:works|helps|is\s+better))\b"
    r"|\bwhy\s+do\s+you\s+(?:support|love|value|welcome|trust|back)\b"
    r"|\bwhy\s+do\s+you\s+think\s+(?:our|the)\s+[\w\s]{1,25}?\s+(?:are|is)\s+so\b"
    r"|\b(?:tell\s+us|say)\s+what\s+you\s+(?:like|liked)\s+about\s+(?:the|our)\s+new\b"
    r"|\bwhat\s+(?:do|did)\s+you\s+(?:enjoy|like|love|value)\s+(?:most|best)\s+about\s+(?:our"
    r"|the\s+(?:brand\s+)?new)\b"
    r"|\bwhy\s+(?:do\s+you\s+think\s+)?(?:the|our)\s+(?:new\s+)?[\w\s]{1,25}?\s+(?:is|are)\s+"
    r"(?:so\s+)?(?:better|popular|successful|good)\b"
    r"|\bbest\s+thing\s+about\s+(?:our|the\s+new|the\s+newly)\b"
    r"|\b(?:convince|persuade)\s+(?:others|other\s+people|people|them|your\s+\w+)\b",
    _I,
)
_JUDGING_WORDS = re.compile(
    r"\b(?:hugely|wildly|enormously|highly)\s+(?:successful|popular|effective|rated)\b"
    r"|\bmuch[- ](?:loved|improved|better|valued|admired)\b|\bsuccessful\s+(?:campaign|scheme"
    r"|programme|project|service|trial|pilot)\b|\b(?:its|their|our|the)\s+popular\b"
    r"|\boverpriced\b|\boverworked\b|\bridiculous\b|\birresponsible\b|\breckless\b"
    r"|\bruin(?:s|ing|ed)?\b|\bbottomless\b|\bpour(?:s|ing)?\s+(?:more\s+)?(?:money|cash)\b"
    r"|\bcutting-edge\b|\bcost\s+lives\b|\bput\s+(?:\w+\s+){0,3}(?:at\s+risk|in\s+danger)\b"
    r"|\b(?:huge|massive|inflated|fat)\s+(?:salaries|bonuses|pay)\b"
    r"|\bnew\s*,\s*improved\b|\b(?:the|our|its|this)\s+(?:improved|upgraded|enhanced)\s+\w+"
    r"|\b(?:done|doing)\s+(?:a|an)\s+(?:great|good|fantastic|brilliant|excellent|amazing"
    r"|poor|terrible|awful)\s+job\b|\bdownhill\b|\bturning\s+(?:\w+\s+)?away\b"
    r"|\bfit\s+for\s+the\s+future\b|\bdo\s+the\s+right\s+thing\b|\bas\s+(?:they|it|we|you)\s+should\s*\?"
    r"|\bmore\s+(?:harshly|severely|strictly|firmly)\b|\bharsher\b|\bstiffer\b"
    r"|\bsee\s+(?:an|the)\s+end\s+(?:to|of)\b"
    # A judgement slipped in as an aside: "..., which worked perfectly well?"
    r"|,\s*which\s+(?:[\w'-]+\s+){0,3}?(?:perfectly|really|so|very)\s+(?:well|good|popular"
    r"|successful)\b"
    r"|\bnoticed\s+the\s+improvements\b|\bthe\s+improvements?\s+(?:that\s+)?(?:we|the\s+council"
    r"|the\s+trust)\b|\b(?:we|the\s+council|the\s+trust)\s+(?:have\s+|has\s+)?secured\b"
    r"|\bstop\s+(?:ignoring|pouring|throwing|letting\s+down|paying\s+huge)\b"
    r"|\b(?:just|only)\s+\d+\s*p\b|\b(?:the|our|its|this)\s+(?:hugely\s+|very\s+)?successful\b"
    r"|\bthe\s+waste\s+of\b|\bhow\s+much\s+longer\s+(?:should|must|will|can)\b"
    r"|\brate\s+(?:\w+\s+){0,3}(?:highly|well)\s*\?|\blovely\b|\bso\s+special\b"
    r"|^\s*should\s+(?:we|the\s+\w+)\s+put\s+[^?]{1,40}?\s+(?:first|before)\b"
    r"|\bwho\s+(?:fail|let\s+down|ignore|neglect)\b"
    r"|\bdoing\s+(?:everything|all)\s+(?:it|they|we|he|she)\s+can\b|\bout\s+of\s+(?:their|our|his|her"
    r"|its)\s+way\b|\bso\s+(?:pleasant|enjoyable|special|smooth|positive|helpful|easy|quick|well)\b"
    r"|\bhow\s+would\s+you\s+feel\s+if\b[^?]*\b(?:lost|lose|closed|shut|cut|scrapped)\b"
    r"|\bhow\s+(?:badly|severely|seriously)\b|^\s*is\s+it\s+true\s+that\b"
    r"|\bkeep\s+(?:its|our|the|this|their)\s+(?:convenient|popular|excellent|successful|valuable"
    r"|vital|wonderful|lovely|friendly|modern|much-loved)\b|\bsmall\s+(?:part|price|sacrifice)\b"
    r"|\bscourge\b|\bblight\b|\bmenace\b|\bfor\s+once\b|\bbureaucra(?:cy|ts)\b|\bpen-pushers\b"
    r"|\bfat\s+cats?\b|\bwho\s+(?:can't|cannot|couldn't)\s+be\s+bothered\b|\bwho\s+refuse\s+to\b"
    r"|\bcares?\s+more\s+about\b|\b(?:its|the|this|our|their)\s+failed\b|\bwho\s+let\s+(?:their|his|her)\b"
    r"|\bpunished\s+for\b|\b(?:small|vocal|tiny)\s+minority\b|\btough(?:er)?\s+line\b"
    r"|\bwhy\s+(?:are|would)\s+you\s+(?:be\s+)?against\b|\b(?:helpful|popular|excellent|successful"
    r"|valuable|wonderful|lovely|convenient)\s+new\b"
    r"|\bstand\s+up\s+for\b|\bfor\s+our\s+(?:children|kids|grandchildren|families|elderly"
    r"|older\s+people|young\s+people)\b|\bwhy\s+do\s+so\s+many\b|\babandoned\s+(?:us|our|the\s+town"
    r"|residents|patients|people)\b|\bstop(?:s|ped)?\s+(?:closing|cutting|ignoring|scrapping|selling\s+off"
    r"|neglecting|letting\s+down)\b",
    _I,
)

# Words that praise or blame so strongly that no neutral question needs them (a stricter part
# of shapes.EVALUATIVE: words with everyday neutral uses, such as "dedicated phone line",
# "taken seriously", "abandoned vehicles" or "worthwhile", are left to the model).
_STRONG_WORDS = """amazing fantastic brilliant wonderful superb fabulous marvellous terrific
    splendid outstanding impressive remarkable first-class first-rate world-class award-winning
    state-of-the-art cutting-edge innovative exciting ambitious visionary transformative vibrant
    thriving hard-working hardworking tireless selfless heroic devoted compassionate much-needed
    long-awaited long-overdue life-saving lifesaving invaluable sensible common-sense appalling
    shocking disgraceful disgusting outrageous scandalous unacceptable intolerable ridiculous
    absurd pointless needless useless wasteful squandered squandering reckless irresponsible
    negligent incompetent inefficient chaotic crumbling outdated out-of-date old-fashioned
    bureaucratic unjust greedy lazy disastrous catastrophic shambles fiasco overstretched
    hard-pressed hard-earned extortionate exorbitant overpriced sky-high obviously surely
    undoubtedly undeniably utterly rightly wrongly dreadful dangerously bloated lifeline vanity
    understaffed wisely""".split()  # noqa: SIM905
_STRONG = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in _STRONG_WORDS) + r")(?![\w-])", _I
)

#: each shape with what it does, for the finding's explanation.
FRAMINGS = (
    (_CAMPAIGN, "asks people to join the organisation's side"),
    (_GOAL_BY, "states what a change will achieve as if it were agreed"),
    (_PENALTY, "frames a penalty as what people deserve"),
    (_OBVIOUS, "can only sensibly be answered 'yes'"),
    (_ONLY_GOOD, "asks only for the good side"),
    (_ONLY_BAD, "offers only bad answers"),
    (_JUDGING_WORDS, "uses words that praise or blame what it asks about"),
    (_STRONG, "uses words that praise or blame what it asks about"),
)
_BOTH_SIDES = re.compile(
    r"\b(?:and|but|while|whilst|whereas)\s+(?:some\s+)?others\b|\bmixed\s+views\b"
    r"|\bdifferent\s+views\b|\bagree\s+or\s+disagree\b|\bsupport\s+or\s+oppose\b",
    _I,
)


def claims(text: str) -> bool:
    """Whether `text` (a clause) makes a claim: a trend, a success or a strong judgement."""
    return bool(_CLAIMED.search(text) or _STRONG.search(text))


def framed(text: str) -> tuple[str, str] | None:
    """The words that frame the choice in `text`, and what they do; or None."""
    statement = _STATEMENT.match(text)
    if statement and not _BOTH_SIDES.search(text):
        claim = _CLAIMED.search(statement["statement"])
        if claim:
            return (
                " ".join(claim.group().split()),
                "opens with a claim stated as fact before the question",
            )
    for pattern, what in FRAMINGS:
        found = pattern.search(text)
        if found:
            return " ".join(found.group().split()).strip(" ,"), what
    return None
