"""Rules for one question at a time: as the builder saves it, or one line of a text file."""

from __future__ import annotations

import re

from .scales import check_scale
from .spec import Finding, QuestionSpec
from .wording import check_wording, jargon_findings, too_long_findings

EQUALITY_BLOCK = "equality"

# "1. ", "Q3) ", "Question 4: " before a question in a pasted list is numbering, not wording.
_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d+\s*[.):]\s+", re.IGNORECASE)


def check_question(q: QuestionSpec) -> list[Finding]:
    """Wording, answer-scale and personal-data rules for one question."""
    findings = []
    if not q.why_we_ask.strip():
        findings.append(
            Finding(
                "why_we_ask",
                "advice",
                "Add a short 'why we ask' note saying how the answer will be used. If you cannot"
                " say, or earlier engagement already tells us the answer, the question may not"
                " be needed: ask relevant and minimal questions.",
                q.key,
                q.line,
            )
        )
    if q.block == EQUALITY_BLOCK:
        # The standard equality questions keep Census 2021 wording so answers can be compared
        # with the local population; rewording them to suit our rules would break that.
        return findings
    findings += check_wording(q.text, key=q.key, line=q.line, ig_justification=q.ig_justification)
    if q.help_text.strip():
        findings += too_long_findings(q.help_text, "help text", q.key, q.line)
    already = {f.message for f in findings if f.rule == "jargon"}
    others = [q.help_text, q.why_we_ask, *q.options]
    findings += [f for f in jargon_findings(others, q.key, q.line) if f.message not in already]
    findings += check_scale(q)
    return findings


def check_text_lines(text: str) -> list[Finding]:
    """Wording rules for a plain list of questions, one per non-blank line (1-based `line`).

    A line carries no answer options or why-we-ask note, so only the wording rules apply."""
    findings = []
    for number, raw in enumerate(text.splitlines(), start=1):
        question = _NUMBERING.sub("", raw).strip()
        if question:
            findings += check_wording(question, line=number)
    return findings
