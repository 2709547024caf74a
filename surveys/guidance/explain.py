"""Findings for the wording rules, each saying why (the words, the pattern) and how to fix it.

Every finding's message is its `why` followed by its `fix`, so readers that show one text (the
command line, the export) still give both.
"""

from __future__ import annotations

from .jargon import find_jargon
from .leading import Leading
from .personal import ALTERNATIVES
from .readability import readability_problems
from .spec import Finding
from .unusual_words import find_unusual_words


def finding(rule: str, severity: str, why: str, fix: str, key: str | None, line: int | None):
    """A Finding whose message is `why` then `fix`."""
    return Finding(rule, severity, f"{why} {fix}", key, line, why=why, fix=fix)


def too_long_findings(text: str, where: str, key: str | None, line: int | None) -> list[Finding]:
    """Findings for text too hard to read (long sentences, low reading ease, long words)."""
    problems = readability_problems(text)
    if not problems:
        return []
    why = f"The {where} may be hard to read. " + " ".join(p.split(":")[0] + "." for p in problems)
    fixes = [p.split(":", 1)[1].strip() for p in problems if ":" in p]
    fix = " ".join(f[0].upper() + f[1:] for f in dict.fromkeys(fixes)) or (
        "Use shorter sentences and everyday words."
    )
    return [finding("too_long", "advice", why, fix, key, line)]


def jargon_findings(texts: list[str], key: str | None, line: int | None) -> list[Finding]:
    """Findings for jargon in the texts, each term once: listed terms, then abbreviations and
    rare words found by their shape and how common they are."""
    findings, seen = [], set()
    for text in texts:
        for term in find_jargon(text):
            if term.term in seen:
                continue
            seen.add(term.term)
            meaning = f": {term.note}" if term.note else ""
            why = f"'{term.term}' is NHS jargon{meaning}. Many people will not know it."
            fix = f"Use plain words such as '{term.plain_alternative}'."
            findings.append(finding("jargon", "advice", why, fix, key, line))
        covered = " ".join(seen)
        for word in find_unusual_words(text):
            if word.word in seen or word.word in covered:
                continue
            seen.add(word.word)
            if word.kind == "abbreviation":
                why = (
                    f"'{word.word}' looks like an abbreviation or a system name; most residents"
                    " will not know what it stands for."
                )
                fix = "Write out what it means in everyday words, or describe the service."
            else:
                why = (
                    f"'{word.word}' is a word few people use in everyday English, so many"
                    " residents may not know it."
                )
                fix = "Use a more common word, or say what it means in a few plain words."
            findings.append(finding("jargon", "advice", why, fix, key, line))
    return findings


def double_barrelled_finding(pair: tuple[str, str], key: str | None, line: int | None):
    """The finding for a question that asks about two things at once."""
    why = (
        f"This question may ask about two things at once ('{pair[0]}' and '{pair[1]}'), and"
        " people may feel differently about each."
    )
    return finding(
        "double_barrelled", "advice", why, "Ask a separate question for each.", key, line
    )


def leading_finding(found: Leading, key: str | None, line: int | None) -> Finding:
    """The finding for a leading question."""
    return finding(
        "leading", found.severity, f"This question is leading. {found.why}", found.fix, key, line
    )


_MODEL_WHY = {
    "leading": "It reads like the leading questions in our examples",
    "double_barrelled": "It reads like the questions in our examples that ask two things at once",
    "personal_data": "It reads like the questions in our examples that ask for personal"
    " details that could identify someone",
}
_MODEL_FIX = {
    "leading": "Check it does not suggest an answer or take a side; remove loaded or praising"
    " words and ask neutrally, for example 'What do you think of...'.",
    "double_barrelled": "Check it asks about one thing only; if it joins two things, ask a"
    " separate question for each.",
    "personal_data": "Check you need to know who answered: if not, ask for something broader"
    " (an area, an age band) or remove the question; if you do, check with Information"
    " Governance and record their justification.",
}


def model_finding(
    rule: str,
    words: list[str],
    key: str | None,
    line: int | None,
    shapes: list[str] | tuple[str, ...] = (),
) -> Finding:
    """The finding for a question the trained model flags (advice: a person should judge): the
    words that weigh most and, in plain English, the shapes of question behind it."""
    quoted = ", ".join(f"'{w}'" for w in words)
    why = _MODEL_WHY[rule] + (f" (the words {quoted} weigh most)." if words else ".")
    if shapes:
        why += " " + "; ".join(shapes)[0].upper() + "; ".join(shapes)[1:] + "."
    return finding(rule, "advice", why, _MODEL_FIX[rule], key, line)


def personal_data_finding(asked: str, key: str | None, line: int | None) -> Finding:
    """The finding for a question that asks for personal identifiable information."""
    why = f"This question asks people for {asked}, which is personal identifiable information."
    fix = (
        "Only ask for it if you need it: check with Information Governance and record their"
        " justification, or remove the question."
    )
    if asked in ALTERNATIVES:
        fix += " " + ALTERNATIVES[asked]
    return finding("personal_data", "error", why, fix, key, line)
