"""Figures as they may leave the results team: every breakdown that appears on a public page, in
the report (page and PDF, and so in the evidence pack), in the shared cross-tabs CSV, or on the
staff results page for anyone but the communications team, goes through these functions, which
apply the one small-number rule (panel.disclosure.suppress_table). The same breakdown therefore
hides the same cells wherever it appears."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from panel.disclosure import HIDDEN, suppress_table
from surveys.results.figures import CrossTab, QuestionResult

#: what a hidden count reads as: not "fewer than 8", which a cell hidden only because it would
#: reveal another (and may be large) is not.
HIDDEN_LABEL = "hidden"
HIDDEN_NOTE = (
    "Counts from 1 to {limit}, and any count from which one of them could be worked out, are "
    "hidden."
)


def small_number_max() -> int:
    """The largest count that is hidden (the small-number rule)."""
    return current_app.config.get("SMALL_NUMBER_MAX", 7)


def hidden_note() -> str:
    """The note explaining hidden small numbers."""
    return HIDDEN_NOTE.format(limit=small_number_max())


@dataclass
class PublishedQuestion:
    """A question's figures as published, small numbers hidden."""

    key: str
    text: str
    answered: int | str
    #: (label, count or HIDDEN, share or None)
    options: list[tuple[str, int | str, float | None]]
    multiple: bool


def published_question(result: QuestionResult) -> PublishedQuestion:
    """A closed question's answers with the rule applied (its total as the column total)."""
    cells, totals = suppress_table(
        [[option.count] for option in result.options],
        [result.answered],
        small_number_max(),
        pad_with_zeros=True,
    )
    options = [
        (option.label, cell[0], option.share if cell[0] != HIDDEN else None)
        for option, cell in zip(result.options, cells, strict=True)
    ]
    return PublishedQuestion(
        result.key, result.question["text"], totals[0], options, result.multiple
    )


@dataclass
class PublishedCrossTab:
    """A cross-tab as published, small numbers hidden."""

    question: dict
    rows: list[str]
    columns: list[str]
    cells: list[list[int | str]]
    column_totals: list[int | str]
    shares: list[list[float | None]]


def published_crosstab(table: CrossTab) -> PublishedCrossTab:
    """A cross-tab with the rule applied to its cells and column totals."""
    cells, totals = suppress_table(
        table.cells, table.column_totals, small_number_max(), pad_with_zeros=True
    )
    shares = [
        [
            None if cells[r][c] == HIDDEN or totals[c] == HIDDEN else table.share(r, c)
            for c in range(len(table.columns))
        ]
        for r in range(len(table.rows))
    ]
    return PublishedCrossTab(table.question, table.rows, table.columns, cells, totals, shares)


def as_counted(result: QuestionResult) -> PublishedQuestion:
    """The same shape with nothing hidden (the communications team's own view)."""
    return PublishedQuestion(
        result.key, result.question["text"], result.answered, result.rows, result.multiple
    )


def as_counted_crosstab(table: CrossTab) -> PublishedCrossTab:
    """The cross-tab with every count shown and shares worked out (for staff)."""
    shares = [
        [table.share(r, c) for c in range(len(table.columns))] for r in range(len(table.rows))
    ]
    return PublishedCrossTab(
        table.question, table.rows, table.columns, table.cells, table.column_totals, shares
    )


def published_rows(rows: list[dict], key: str = "n") -> list[dict]:
    """A one-column breakdown (people by place, age band, theme ...) with the rule applied,
    its total counted as shown; a hidden row's other figures (shares) are dropped too."""
    if not rows:
        return []
    cells, _totals = suppress_table(
        [[row[key] or 0] for row in rows],
        [sum(row[key] or 0 for row in rows)],
        small_number_max(),
        pad_with_zeros=True,
    )
    shown = []
    for row, cell in zip(rows, cells, strict=True):
        copy = dict(row)
        copy[key] = cell[0]
        if cell[0] == HIDDEN:
            for name in copy:
                if name.endswith("share"):
                    copy[name] = None
        shown.append(copy)
    return shown


def published_total(total: int) -> int | str:
    """The total, or the hidden mark if it is a small number."""
    return HIDDEN if 1 <= total <= small_number_max() else total
