"""Adding examples to the guidance corpus (from the marks authors make): written through the
one CSV writer, as every CSV file here is. Kept outside surveys.guidance, which stays free of
the web and database layers so the checker runs anywhere."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from panel.csv_export import csv_text
from surveys.guidance.corpus import (
    COLUMNS,
    CORPUS_DIR,
    LABELS,
    TEST_FILE,
    TRAIN_FILE,
    Example,
    load,
    normalise,
    split_for,
)


def write_examples(path: Path, examples: Iterable[Example]) -> None:
    """Write examples to a corpus file (header first), sorted by label then text."""
    ordered = sorted(examples, key=lambda e: (LABELS.index(e.label), normalise(e.text)))
    # Through the one CSV writer, as every file a person may open in a spreadsheet.
    text = csv_text(COLUMNS, ((e.label, e.type, e.text) for e in ordered))
    path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")


def add_examples(examples: Iterable[Example], directory: Path = CORPUS_DIR) -> int:
    """Add new examples to the part split_for chooses; skip texts already there. Returns how
    many were added."""
    parts = {part: load(part, directory) for part in ("train", "test")}
    known = {normalise(e.text) for rows in parts.values() for e in rows}
    added = 0
    for example in examples:
        key = normalise(example.text)
        if example.label not in LABELS or not key or key in known:
            continue
        known.add(key)
        parts[split_for(example.text)].append(example)
        added += 1
    for part, rows in parts.items():
        write_examples(directory / (TEST_FILE if part == "test" else TRAIN_FILE), rows)
    return added
