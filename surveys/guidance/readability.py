"""Plain-English measures: Flesch reading ease for longer texts, word checks for short ones."""

from __future__ import annotations

import re

import textstat
from wordfreq import zipf_frequency

# Flesch reading ease 60 is the bottom of Flesch's "plain English" band (60-70, readable by
# most 13 to 15 year olds). NHS content guidance asks for plain English because the average
# UK reading age is often quoted as about 9, so 60 is a floor to stay above, not an aim.
PLAIN_ENGLISH_TARGET = 60.0

# Flesch was built for passages. On a one-line question a single long word swings the score
# by 40 points ("Any other comments?" scores 35), so below this many words we do not score
# the text and count hard words instead.
MIN_WORDS_FOR_SCORE = 20

# A sentence longer than this is hard to hold in mind while choosing an answer.
MAX_SENTENCE_WORDS = 25

# Short texts with this many hard words (3+ syllables, not everyday) are flagged.
HARD_WORDS_LIMIT = 3

# Long words that people use every day, and that are hard to avoid in a health survey.
# Counting them as hard would flag "Did you understand the information about your
# medication?", which is as plain as that question gets.
_EVERYDAY = """
    afternoon already ambulance another anyone anything appointment area available
    beautiful carefully children community company completely computer condition confident
    definitely department different difficult disability easier emergency energy
    especially evening everybody everyone everything exactly example experience family
    families general generally happier holiday however hospital important information
    injection internet interested library medical medicine medication nobody operation
    overall particular personal pharmacy pharmacist physical possible probably quality
    really recently receptionist recommend remember satisfied several similar somebody
    something specialist surgery telephone together travelling understand usually video
    whatever whenever yesterday yourself
"""
EVERYDAY_WORDS = frozenset(_EVERYDAY.split())
#: a long word at least this common in everyday English (wordfreq's Zipf scale: "ability" 5.0,
#: "activities" 4.9, against "experienced" 4.6, "consultation" 4.0) is not a hard word.
EVERYDAY_ZIPF = 4.8

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’&-][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")


def words(text: str) -> list[str]:
    """The words of the text."""
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """The sentences of the text (those with at least one word)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if words(s)]


def reading_ease(text: str) -> float:
    """Flesch reading ease of `text` (higher is easier; aim for PLAIN_ENGLISH_TARGET or more).

    Only meaningful for texts of MIN_WORDS_FOR_SCORE words or more."""
    return float(textstat.flesch_reading_ease(text))


def _everyday(word: str) -> bool:
    if word in EVERYDAY_WORDS:
        return True
    if all(zipf_frequency(part, "en") >= EVERYDAY_ZIPF for part in word.split("-") if part):
        return True
    stems = []
    if word.endswith("ies"):
        stems.append(word[:-3] + "y")
    if word.endswith("es"):
        stems.append(word[:-2])
    if word.endswith("s"):
        stems.append(word[:-1])
    return any(stem in EVERYDAY_WORDS for stem in stems)


def hard_words(text: str) -> list[str]:
    """Words of three or more syllables that are not everyday words, names or acronyms."""
    found = []
    for sentence in sentences(text):
        for position, word in enumerate(words(sentence)):
            if any(c.isupper() for c in word[1:]) or word.isdigit():
                continue  # acronyms are the jargon check's business
            if position > 0 and word[0].isupper():
                continue  # names of places and services are not hard words
            lower = word.lower()
            if _everyday(lower):
                continue
            if textstat.syllable_count(lower) >= 3:
                found.append(lower)
    return found


def readability_problems(text: str) -> list[str]:
    """Plain-English sentences saying why `text` is hard to read; empty when it reads easily."""
    problems = []
    longest = max((len(words(s)) for s in sentences(text)), default=0)
    if longest > MAX_SENTENCE_WORDS:
        problems.append(
            f"It has a sentence of {longest} words: keep sentences under {MAX_SENTENCE_WORDS}"
            " words by splitting them or moving detail into the help text."
        )
    if len(words(text)) >= MIN_WORDS_FOR_SCORE:
        score = reading_ease(text)
        if score < PLAIN_ENGLISH_TARGET:
            problems.append(
                f"It scores {score:.0f} for reading ease, below the plain-English target of "
                f"{PLAIN_ENGLISH_TARGET:.0f}: use shorter sentences and everyday words."
            )
    else:
        hard = hard_words(text)
        if len(hard) >= HARD_WORDS_LIMIT:
            problems.append(
                f"It uses several long words ({', '.join(dict.fromkeys(hard))}): use shorter,"
                " everyday words."
            )
    return problems
