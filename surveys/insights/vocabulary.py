"""The insight library's tags: the Integrated Care Strategy's life-course priorities and service
topics (the same codes as members' interests), the groups heard from (drawn from the equality
monitoring categories and the strategy's seldom-heard groups), and the search text's normal form."""

from __future__ import annotations

import re
import unicodedata

from panel.members.reference import TOPICS as MEMBER_TOPICS

#: the strategy's life-course priorities, named exactly as the Integrated Care Strategy names them.
LIFE_COURSE = [
    ("starting_well", "Starting Well"),
    ("living_well", "Living Well"),
    ("working_well", "Working Well"),
    ("ageing_well", "Ageing Well"),
    ("dying_well", "Dying Well"),
]
_LIFE_COURSE_CODES = {code for code, _label in LIFE_COURSE}
#: service topics: the members' topics of interest that are not life-course priorities.
SERVICE_TOPICS = [(code, label) for code, label in MEMBER_TOPICS if code not in _LIFE_COURSE_CODES]
TOPICS = [*LIFE_COURSE, *SERVICE_TOPICS]
TOPIC_LABELS = dict(TOPICS)

#: groups heard from: the equality monitoring categories (Census 2021) people can be counted
#: in, then groups the strategy reaches through partners.
GROUPS = [
    ("young_people", "Young people (16 to 24)"),
    ("older_people", "Older people (75 or over)"),
    ("women", "Women"),
    ("men", "Men"),
    ("trans", "Trans people"),
    ("lgb", "Lesbian, gay and bisexual people"),
    ("asian", "Asian or Asian British people"),
    ("black", "Black, Black British, Caribbean or African people"),
    ("mixed", "People of mixed or multiple ethnic groups"),
    ("gypsy_traveller", "Gypsy, Roma and Traveller communities"),
    ("faith", "Faith communities"),
    ("disabled", "Disabled people"),
    ("carers", "Unpaid carers"),
    ("armed_forces", "Armed forces veterans"),
    ("language", "People who speak little or no English"),
    ("deprived_areas", "People living in the most deprived areas"),
    ("homeless", "People experiencing homelessness"),
    ("general_public", "The general public"),
]
GROUP_LABELS = dict(GROUPS)

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, accents dropped, every run of other characters one space, padded with a
    space each side (so " word" matches the start of a word)."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = _NOT_WORD.sub(" ", folded.lower()).split()
    return f" {' '.join(words)} " if words else ""


def query_words(query: str, limit: int = 10) -> list[str]:
    """The distinct words of a search, in normal form (at most ``limit``)."""
    words: list[str] = []
    for word in normalise(query).split():
        if word not in words:
            words.append(word)
    return words[:limit]


def encode_codes(codes: list[str]) -> str:
    """Codes kept in one column as "|a|b|", so "|a|" finds a code exactly on any database."""
    return f"|{'|'.join(codes)}|" if codes else ""


def decode_codes(value: str) -> list[str]:
    """The codes of an encoded column, in order."""
    return [code for code in (value or "").split("|") if code]
