"""A submitted response's answers packed into a few bytes (its answer codes), so that results
are counted from one grouped query and numpy, never from a pass over millions of answer rows.

Fieldwork writes the codes in the same transaction as the answers they copy (submitting, and any
later change to a submitted response's answers); results read them. Layout, per question, in
survey order:

- one answer (single choice, rating scale): 1 byte; 0 not answered, k + 1 the k-th of the
  question's values (its options, then "other" if allowed), 255 answered with a value that is no
  longer among them;
- several answers (multiple choice): a bitmask, bit k for the k-th value, and one more bit for
  "answered" (so an answer whose values are all unknown is still counted as answered);
- anything else (text, number): 1 byte, 1 when answered;
- a grid or a ranking: one "one answer" slot per part (surveys.compound), keyed "q4.1", ...

Positions, not texts, are stored: a typo corrected in an option after publishing keeps its
answers. Stored as hex text, which SQLite and PostgreSQL both concatenate in a grouped query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from surveys.compound import part_value, parts
from surveys.guidance.spec import CHOICE_TYPES

#: the stored value of an "other" answer (the words go in other_text).
OTHER = "__other__"
UNMATCHED = 255
MAX_VALUES = 254


def option_values(question: dict) -> list[str]:
    """The stored values a closed question's answers can take, in order."""
    values = list(question.get("options") or [])
    if question.get("allow_other"):
        values.append(OTHER)
    return values


@dataclass(frozen=True)
class Slot:
    """Where one question's answer sits in the codes."""

    key: str
    kind: str  #: "one", "many" or "text"
    offset: int
    width: int
    values: tuple[str, ...]
    #: for a part of a grid or ranking: the question's key, its type, and the row or option.
    source: str = ""
    compound: str = ""
    member: str = ""


@dataclass(frozen=True)
class Layout:
    """Where each answer sits in a coded row: the slots and the row's width."""

    slots: tuple[Slot, ...]
    width: int

    def slot(self, key: str) -> Slot:
        return next(slot for slot in self.slots if slot.key == key)


def _kind(question: dict) -> str:
    if question["type"] == "multiple_choice":
        return "many"
    return "one" if question["type"] in CHOICE_TYPES else "text"


@lru_cache(maxsize=256)
def _layout_of_text(content_text: str) -> Layout:
    content = json.loads(content_text)
    slots, offset = [], 0
    for page in content.get("pages", []):
        for question in page.get("questions", []):
            for part in parts(question):
                kind = _kind(part)
                values = tuple(option_values(part)) if kind != "text" else ()
                if len(values) > MAX_VALUES:
                    raise ValueError(f"{part['key']} has more than {MAX_VALUES} answers to count")
                width = (len(values) + 1 + 7) // 8 if kind == "many" else 1
                where = (part.get("part_of", ""), part.get("compound", ""), part.get("member", ""))
                slots.append(Slot(part["key"], kind, offset, width, values, *where))
                offset += width
    return Layout(tuple(slots), offset)


def layout_of(content: dict | None) -> Layout:
    """The codes' layout for a survey's content (cached per exact content)."""
    return _layout_of_text(json.dumps(content or {}, sort_keys=True))


def _answered(value) -> bool:
    # An answer row may hold only a comment: no value, an empty list or empty text.
    return value is not None and value != "" and value != []


def encode(layout: Layout, answers: dict) -> str:
    """The codes of one response's answers ({question key: stored value}) as hex text."""
    codes = bytearray(layout.width)
    for slot in layout.slots:
        if slot.compound:
            value = part_value(slot.compound, slot.member, answers.get(slot.source))
        else:
            value = answers.get(slot.key)
        if not _answered(value):
            continue
        if slot.kind == "text":
            codes[slot.offset] = 1
        elif slot.kind == "one":
            chosen = value[0] if isinstance(value, list) and len(value) == 1 else value
            position = slot.values.index(chosen) if chosen in slot.values else None
            codes[slot.offset] = UNMATCHED if position is None else position + 1
        else:
            bits = 1 << len(slot.values)  # answered
            for chosen in value if isinstance(value, list) else [value]:
                if chosen in slot.values:
                    bits |= 1 << slot.values.index(chosen)
            codes[slot.offset : slot.offset + slot.width] = bits.to_bytes(slot.width, "little")
    return codes.hex()


class CodesOutOfStep(ValueError):
    """Stored codes do not fit the survey's layout (its questions changed after answers)."""


def matrix(layout: Layout, concatenated_hex: str | None) -> np.ndarray:
    """Concatenated codes of many responses as a (responses x width) array of bytes."""
    raw = bytes.fromhex(concatenated_hex or "")
    if layout.width == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    if len(raw) % layout.width:
        raise CodesOutOfStep("stored answer codes do not match the survey's questions")
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, layout.width)


def answered_mask(slot: Slot, rows: np.ndarray) -> np.ndarray:
    """Which responses answered the question."""
    if slot.kind == "many":
        last = len(slot.values)
        return (rows[:, slot.offset + last // 8] >> (last % 8)) & 1 == 1
    return rows[:, slot.offset] != 0


def chose_mask(slot: Slot, rows: np.ndarray, position: int) -> np.ndarray:
    """Which responses chose the question's value at ``position``."""
    if slot.kind == "many":
        return (rows[:, slot.offset + position // 8] >> (position % 8)) & 1 == 1
    return rows[:, slot.offset] == position + 1


def value_counts(slot: Slot, rows: np.ndarray) -> np.ndarray:
    """People per value of a closed question."""
    if slot.kind == "one":
        return np.bincount(rows[:, slot.offset], minlength=256)[1 : len(slot.values) + 1]
    return np.array(
        [int(chose_mask(slot, rows, k).sum()) for k in range(len(slot.values))], dtype=np.int64
    )
