"""Jargon that is on no list: abbreviations, system names and words rare in everyday English.

A word is judged by its shape and by how common it is (wordfreq's Zipf scale: about 7 for
"the", 4.5 for "appointment", 3.9 for "GP", 2.4 for "MDT", 0 for "SDEC"):
- an abbreviation: two or more capital letters (CMHT, EHCP), or letters mixed with digits
  (S106, 2WW), or a capital after lower-case letters inside a word (SystmOne, eConsult);
- a rare word: a lower-case word of five letters or more whose Zipf frequency is below
  RARE_ZIPF ("domiciliary" 1.9, "polypharmacy" 1.6, "reablement" 0).
Words with a capital only at the start are left alone: names of people, places and services
(Kendal, Ormskirk) look rare, and an answer option ("Ormskirk Hospital") or a sentence often
opens with one, so a rare word that opens a sentence is missed rather than a name flagged.
Words residents know are allowed: the "allow" rows of jargon.csv and ALLOWED below.
Jargon built from everyday words ("pathway", "virtual ward") has common words, so only the
maintained list in jargon.csv catches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

from .jargon import load_jargon

#: below this Zipf frequency a lower-case word is one most residents rarely meet.
RARE_ZIPF = 2.5
MIN_RARE_LENGTH = 5

# Abbreviations, names and words residents use themselves (beyond jargon.csv's allow rows).
ALLOWED = frozenset(
    """GP GPs NHS A&E UK MP MPs TV OK COVID COVID-19 BBC ID PIN SMS DVD CD PC USB WiFi Wi-Fi
    iPhone iPad YouTube WhatsApp Facebook LGBT LGBTQ LGBTQ+ BSL HIV AIDS ADHD MRI CT ECG DIY
    PE PTSD OCD BMI IVF
    antenatal postnatal""".split()  # noqa: SIM905
)

# One capital with up to two digits ("Q3", "M6") or a road number ("A583", "B5254") is not
# jargon; one capital with three or more digits is a code such as "S106" (a planning agreement).
_SHORT_CODE = re.compile(r"^(?:[A-Z]\d{0,2}|[AB]\d{3,4})$")
# "s117", "s106": a section of an Act written the short way.
_SECTION_CODE = re.compile(r"^s\d{2,3}[a-z]?$")
# The first part of a postcode (PR1, LA9, BB10) is a place, not an abbreviation.
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
# A rare-looking word made of a common word and a prefix ("overstretched", "underused") or
# spelt the British way ("modernising") is judged by the common word.
_PREFIXES = ("over", "under", "re", "un", "non", "co", "pre", "inter", "out", "self-")
_COMMON_ZIPF = 3.0

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&+'’-]*[A-Za-z0-9+]|[A-Za-z]")


@dataclass(frozen=True)
class UnusualWord:
    """A word most residents would not know, and what about it says so."""

    word: str
    #: "abbreviation" or "rare word".
    kind: str
    zipf: float


@lru_cache(maxsize=1)
def allowed_words() -> frozenset[str]:
    """Words never reported: ALLOWED and the allow rows of jargon.csv."""
    listed = {t.term for t in load_jargon() if t.action == "allow"}
    return ALLOWED | frozenset(listed)


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    has_digit = any(c.isdigit() for c in word)
    inner_capital = any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))
    if not letters:
        return False
    return capitals >= 2 or (has_digit and capitals >= 1) or inner_capital


def _is_rare(lower: str) -> bool:
    if _zipf(lower) >= RARE_ZIPF:
        return False
    if lower.endswith("s") and _zipf(lower[:-1]) >= RARE_ZIPF:
        return False  # a plural of a known word ("kerbs")
    spelling = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", lower)
    if spelling != lower and _zipf(spelling) >= RARE_ZIPF:
        return False
    parts = [lower[len(p) :] for p in _PREFIXES if lower.startswith(p)] + lower.split("-")
    return not any(v != lower and _zipf(v) >= _COMMON_ZIPF for v in parts if v)


def _core(word: str) -> str:
    word = word.replace("’", "'")
    for ending in ("'s", "s'"):
        if word.endswith(ending):
            return word[: -len(ending)] + ("s" if ending == "s'" else "")
    return word


def find_unusual_words(text: str) -> list[UnusualWord]:
    """Abbreviations and rare words in `text` that are not on an allow-list, each once."""
    allowed = allowed_words()
    found: dict[str, UnusualWord] = {}
    for match in _WORD.finditer(text):
        word = _core(match.group())
        bare = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
        if word in allowed or bare in allowed or word in found:
            continue
        if _is_abbreviation(bare):
            if _OUTWARD_CODE.match(bare):
                continue
            if _SHORT_CODE.match(bare):
                continue  # "I", "A", a code such as "Q3" or a road such as "M6" or "A583"
            found[word] = UnusualWord(word, "abbreviation", _zipf(bare))
            continue
        if _SECTION_CODE.match(word):
            found[word] = UnusualWord(word, "abbreviation", _zipf(word))
            continue
        if word[:1].isupper():
            continue  # a name, or a sentence's or an answer option's first word
        lower = word.lower()
        if len(lower) < MIN_RARE_LENGTH or any(c.isdigit() for c in lower):
            continue
        if _is_rare(lower):
            found[word] = UnusualWord(word, "rare word", _zipf(lower))
    return list(found.values())
