"""The labelled question corpus the guidance model is trained on and the benchmark measures.

Two CSV files under tests/surveys/guidance_corpus/ with the columns label, type, text:
train.csv (rules and model may be tuned on it) and test.csv (held aside, never tuned on).
Which file a question belongs to is decided by a hash of its text, so the split is the same
on every machine and a question added later lands in the same file every time.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "surveys" / "guidance_corpus"
TRAIN_FILE = "train.csv"
TEST_FILE = "test.csv"
COLUMNS = ("label", "type", "text")
PLAIN = "plain"
#: the question-level rules the corpus measures; "plain" is a question none applies to.
LABELLED_RULES = ("leading", "double_barrelled", "jargon", "personal_data", "too_long")
LABELS = (PLAIN, *LABELLED_RULES)
#: one question in this many goes to the held-aside test set.
TEST_SHARE = 4


@dataclass(frozen=True)
class Example:
    """One labelled question."""

    label: str
    type: str
    text: str


def normalise(text: str) -> str:
    """The text as the split and duplicate check see it: single spaces, lower case."""
    return " ".join(text.split()).lower()


def split_for(text: str) -> str:
    """ "test" for one question in TEST_SHARE, chosen by a hash of its text; otherwise "train"."""
    digest = hashlib.sha256(normalise(text).encode("utf-8")).digest()
    return "test" if digest[0] % TEST_SHARE == 0 else "train"


def read_examples(path: Path) -> list[Example]:
    """Every row of one corpus file."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Example(row["label"].strip(), row["type"].strip(), row["text"].strip())
            for row in csv.DictReader(handle)
            if row["text"].strip()
        ]


def load(part: str, directory: Path = CORPUS_DIR) -> list[Example]:
    """The "train" or "test" part of the corpus."""
    return read_examples(directory / (TEST_FILE if part == "test" else TRAIN_FILE))
