"""NHS jargon and acronyms, read from the maintained list in jargon.csv, found in question text.

Matching: a term with a capital letter in it (ICB, A&E, PROMs) is an acronym and matches
case-sensitively, so "nice" and "salt" are left alone; a lower-case term is a phrase and matches
in any case. Both match whole words only, with an optional plural or -d ending (PCNs,
stakeholders, co-produced). In a phrase a hyphen may also be written as a space or left out,
and a space as a hyphen (co-production, coproduction, co production; hard-to-reach).
Rows with action "allow" record terms we decided not to flag (GP, A&E, NHS 111...).
"Acute" meaning hospital is listed only in phrases (acute trust, acute care...), because on
its own it is also the plain word for sudden or severe ("acute pain").
The note column explains the term to the author and is quoted in the finding.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

JARGON_CSV = Path(__file__).with_name("jargon.csv")


@dataclass(frozen=True)
class JargonTerm:
    """A jargon term and the plain words to use instead."""

    term: str
    plain_alternative: str
    note: str
    action: str = "flag"

    @property
    def is_acronym(self) -> bool:
        return any(c.isupper() for c in self.term)

    def pattern(self) -> re.Pattern[str]:
        body = re.escape(self.term)
        if not self.is_acronym:
            body = body.replace(r"\-", r"[\s-]?").replace(r"\ ", r"[\s-]+")
        flags = 0 if self.is_acronym else re.IGNORECASE
        return re.compile(rf"(?<![A-Za-z0-9&]){body}(?:s|es|d)?(?![A-Za-z0-9&])", flags)


def load_jargon(path: Path | str = JARGON_CSV) -> list[JargonTerm]:
    """Every row of the list, flagged and allowed."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            JargonTerm(
                term=row["term"].strip(),
                plain_alternative=row["plain_alternative"].strip(),
                note=row["note"].strip(),
                action=(row.get("action") or "flag").strip(),
            )
            for row in csv.DictReader(handle)
            if row["term"].strip()
        ]


@lru_cache(maxsize=4)
def _compiled(path: str) -> tuple[tuple[JargonTerm, re.Pattern[str]], ...]:
    return tuple((t, t.pattern()) for t in load_jargon(path) if t.action == "flag")


def find_jargon(text: str, path: Path | str = JARGON_CSV) -> list[JargonTerm]:
    """Flagged terms in `text`, in order of appearance, each once.

    Where terms overlap the longest wins, so "primary care network" is reported once rather
    than also as "primary care"."""
    spans = []
    for term, pattern in _compiled(str(path)):
        spans.extend((m.start(), -(m.end() - m.start()), term) for m in pattern.finditer(text))
    spans.sort(key=lambda span: (span[0], span[1]))
    found: list[JargonTerm] = []
    taken_until = -1
    for start, negative_length, term in spans:
        if start < taken_until:
            continue
        taken_until = start - negative_length
        if term not in found:
            found.append(term)
    return found
