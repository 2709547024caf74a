"""Likely duplicate members: normalise, block candidate pairs, score them, say why.

Members hold no telephone number or street address, so the evidence is what they do hold: the
name (first names through a nickname table, surnames by Jaro-Winkler similarity), the postcode
(full, then its district), the age band and the part of the email address before the @ (people
who sign up again often keep it at another provider). Blocking keeps the pairs scored to those
that share a postcode, a surname and postcode district, an email name, or a full name and age
band, so 100,000 members are checked in seconds instead of five billion comparisons.

Pure functions over ``MatchRecord`` tuples: the service reads the rows, the benchmark and the
labelled sample in tests call ``find_duplicates`` directly.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz.distance import JaroWinkler

#: pairs scoring this or more are listed: the lowest threshold with no false pair on the
#: training sample (tests/panel/duplicate_sample.py, seed 1); the test sample and the
#: benchmark's 100,000 members measure it again (bench/bench_health.py).
DEFAULT_THRESHOLD = 0.65
#: a block bigger than this (a common name in a big district) is too vague to say anything
#: about its pairs; it is skipped and counted, never scored pair by pair.
MAX_BLOCK = 60

#: short forms of first names and the name they stand for (lower case, ASCII).
NICKNAMES = {
    "alex": "alexander",
    "alf": "alfred",
    "andy": "andrew",
    "annie": "ann",
    "anne": "ann",
    "bert": "albert",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "bill": "william",
    "billy": "william",
    "bob": "robert",
    "bobby": "robert",
    "cathy": "catherine",
    "kathryn": "catherine",
    "katherine": "catherine",
    "kate": "catherine",
    "katie": "catherine",
    "kath": "catherine",
    "charlie": "charles",
    "chris": "christopher",
    "chrissie": "christine",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "debbie": "deborah",
    "di": "diana",
    "ed": "edward",
    "eddie": "edward",
    "ted": "edward",
    "fred": "frederick",
    "freddie": "frederick",
    "gill": "gillian",
    "greg": "gregory",
    "harry": "henry",
    "jack": "john",
    "johnny": "john",
    "jon": "jonathan",
    "jim": "james",
    "jimmy": "james",
    "jamie": "james",
    "jen": "jennifer",
    "jenny": "jennifer",
    "jo": "joanne",
    "joe": "joseph",
    "ken": "kenneth",
    "larry": "lawrence",
    "liz": "elizabeth",
    "lizzie": "elizabeth",
    "maggie": "margaret",
    "meg": "margaret",
    "peggy": "margaret",
    "matt": "matthew",
    "mick": "michael",
    "mike": "michael",
    "mo": "mohammed",
    "mohamed": "mohammed",
    "muhammad": "mohammed",
    "mohammad": "mohammed",
    "nick": "nicholas",
    "pat": "patricia",
    "patty": "patricia",
    "pete": "peter",
    "phil": "philip",
    "rob": "robert",
    "robbie": "robert",
    "ron": "ronald",
    "sam": "samuel",
    "sandy": "sandra",
    "steve": "stephen",
    "steven": "stephen",
    "sue": "susan",
    "suzy": "susan",
    "tom": "thomas",
    "tommy": "thomas",
    "tony": "anthony",
    "val": "valerie",
    "vicky": "victoria",
    "will": "william",
}

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_AGE_ORDER = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]


def normalise_name(text: str | None) -> str:
    """Lower case ASCII letters and single spaces: accents, hyphens and punctuation removed."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(_NOT_LETTERS.sub(" ", ascii_text.lower()).split())


def canonical_first_name(text: str | None) -> str:
    """The first given name, with a known short form replaced by the full name."""
    first = normalise_name(text).split(" ")[0]
    return NICKNAMES.get(first, first)


def normalise_postcode(text: str | None) -> str:
    """Upper case, no spaces: "fy1 1aa" -> "FY11AA"."""
    return "".join((text or "").upper().split())


def postcode_district(postcode: str) -> str:
    """The outward code of a normalised postcode ("FY11AA" -> "FY1")."""
    return postcode[:-3] if len(postcode) > 4 else postcode


def email_name(email: str | None) -> str:
    """The part before the @ without any +tag, dots or other punctuation."""
    local = (email or "").lower().partition("@")[0].partition("+")[0]
    return _NOT_ALNUM.sub("", local)


def household_key(last_name: str | None, postcode: str | None) -> str | None:
    """What counts as one household: the same surname at the same full postcode (members hold
    no street address, and a postcode alone covers about fifteen homes). None when either is
    missing."""
    surname, code = normalise_name(last_name), normalise_postcode(postcode)
    return f"{surname}|{code}" if surname and code else None


class MatchRecord(NamedTuple):
    """The fields of one member the detector reads."""

    member_id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    postcode: str | None
    age_band: str | None


@dataclass(frozen=True)
class _Prepared:
    member_id: int
    first: str
    full_first: str
    last: str
    postcode: str
    district: str
    email_name: str
    age: int | None


def _prepare(record: MatchRecord) -> _Prepared:
    code = normalise_postcode(record.postcode)
    age = _AGE_ORDER.index(record.age_band) if record.age_band in _AGE_ORDER else None
    return _Prepared(
        member_id=record.member_id,
        first=canonical_first_name(record.first_name),
        full_first=normalise_name(record.first_name).split(" ")[0],
        last=normalise_name(record.last_name).replace(" ", ""),
        postcode=code,
        district=postcode_district(code),
        email_name=email_name(record.email),
        age=age,
    )


@dataclass
class DuplicatePair:
    """Two members who are probably one person: their ids (lower first), a score and why."""

    first_id: int
    second_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


def _first_name_similarity(a: _Prepared, b: _Prepared) -> tuple[float, str]:
    if not a.first or not b.first:
        return 0.0, ""
    if a.first == b.first:
        return (
            1.0,
            "same first name" if a.full_first == b.full_first else "first name and its short form",
        )
    if len(a.full_first) == 1 or len(b.full_first) == 1:
        initial = a.first[0] == b.first[0]
        return (0.85, "first name and its initial") if initial else (0.0, "")
    similarity = JaroWinkler.similarity(a.first, b.first)
    return similarity, "similar first names" if similarity >= 0.9 else ""


def _email_says_more_than_name(p: _Prepared) -> bool:
    """Whether the email name is more than the name spelled out ("jsmith", "john.smith" say
    nothing a namesake's would not): only then is a shared one evidence."""
    if len(p.email_name) < 4:
        return False
    name_only = {
        p.first + p.last,
        p.full_first + p.last,
        p.first[:1] + p.last,
        p.full_first[:1] + p.last,
        p.last + p.first,
        p.last + p.full_first,
        p.first,
        p.full_first,
        p.last,
    }
    return p.email_name not in name_only


def score_pair(a: _Prepared, b: _Prepared) -> DuplicatePair:
    """How likely two members are one person (0 to 1), with the reasons that count."""
    reasons: list[str] = []
    first, first_reason = _first_name_similarity(a, b)
    if first < 0.88:
        # Different first names: family members, twins or neighbours, whatever else matches.
        return DuplicatePair(*sorted((a.member_id, b.member_id)), score=round(first * 0.3, 3))
    reasons.append(first_reason)
    last = JaroWinkler.similarity(a.last, b.last) if a.last and b.last else 0.0
    if last == 1.0:
        reasons.append("same surname")
    elif last >= 0.9:
        reasons.append("similar surnames")
    else:
        reasons.append("different surnames (a change of name?)")
        last = 0.2
    location = 0.0
    if a.postcode and a.postcode == b.postcode:
        location = 1.0
        reasons.append("same postcode")
    elif a.district and a.district == b.district:
        # Said, not scored: namesakes in one district are common.
        reasons.append("same postcode district")
    email = 0.0
    if a.email_name == b.email_name and _email_says_more_than_name(a):
        email = 1.0
        reasons.append("same email name at another address")
    score = min(1.0, 0.3 * first + 0.25 * last + 0.3 * location + 0.25 * email)
    if a.age is not None and b.age is not None and a.age != b.age:
        # A band apart may be a birthday between sign-ups; further apart is another person.
        if abs(a.age - b.age) == 1:
            score -= 0.1
            reasons.append("neighbouring age bands")
        else:
            score *= 0.5
            reasons.append("different age bands")
    return DuplicatePair(
        *sorted((a.member_id, b.member_id)), score=round(score, 3), reasons=reasons
    )


def _block_keys(p: _Prepared) -> Iterable[str]:
    # score_pair gives names alone at most 0.55, so a pair reaches the default threshold only
    # with a shared postcode or a shared telling email name: these two blocks lose nothing there
    # (a test compares them with every pair on the labelled sample, and so does the benchmark).
    if p.postcode:
        yield "p:" + p.postcode
    if _email_says_more_than_name(p):
        yield "e:" + p.email_name


@dataclass
class DetectionRun:
    """The pairs found, with what the run compared (for the benchmark and the page)."""

    pairs: list[DuplicatePair]
    compared: int
    skipped_blocks: int


def find_duplicates(
    records: Iterable[MatchRecord],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    max_block: int = MAX_BLOCK,
) -> DetectionRun:
    """Pairs of records scoring ``threshold`` or more, best first (blocked comparison)."""
    prepared = [_prepare(r) for r in records]
    blocks: dict[str, list[_Prepared]] = defaultdict(list)
    for p in prepared:
        for key in _block_keys(p):
            blocks[key].append(p)
    seen: set[tuple[int, int]] = set()
    pairs: list[DuplicatePair] = []
    skipped = 0
    for block in blocks.values():
        if len(block) < 2:
            continue
        if len(block) > max_block:
            skipped += 1
            continue
        for a, b in itertools.combinations(block, 2):
            key = (
                (a.member_id, b.member_id)
                if a.member_id < b.member_id
                else (b.member_id, a.member_id)
            )
            if key in seen:
                continue
            seen.add(key)
            pair = score_pair(a, b)
            if pair.score >= threshold:
                pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.score, pair.first_id, pair.second_id))
    return DetectionRun(pairs=pairs, compared=len(seen), skipped_blocks=skipped)


def find_duplicates_all_pairs(
    records: Iterable[MatchRecord], threshold: float = DEFAULT_THRESHOLD
) -> DetectionRun:
    """Every pair compared, no blocking: the slow reference the benchmark measures against."""
    prepared = [_prepare(r) for r in records]
    pairs = []
    compared = 0
    for a, b in itertools.combinations(prepared, 2):
        compared += 1
        pair = score_pair(a, b)
        if pair.score >= threshold:
            pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.score, pair.first_id, pair.second_id))
    return DetectionRun(pairs=pairs, compared=compared, skipped_blocks=0)
