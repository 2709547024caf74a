"""Small-number suppression (NHS Digital's rule) for breakdowns that leave staff pages: counts
from 1 to 7 are hidden, and so are the cells from which a hidden one could be worked out with
the totals of its row or column. One rule (suppress_table); suppress_small applies it to lists."""

from __future__ import annotations

SMALL_NUMBER_MAX = 7
HIDDEN = "*"


def suppress_small(
    rows: list[dict], columns: list[str], limit: int = SMALL_NUMBER_MAX
) -> list[dict]:
    """Copies of ``rows`` with the rule of suppress_table applied to each of ``columns`` as a
    one-column table whose total is shown (one rule for every breakdown)."""
    shown = [dict(row) for row in rows]
    for column in columns:
        cells, _totals = suppress_table(
            [[row[column] or 0] for row in rows], None, limit, pad_with_zeros=True
        )
        for copy, cell in zip(shown, cells, strict=True):
            if cell[0] == HIDDEN:
                copy[column] = HIDDEN
    return shown


def suppress_table(
    cells: list[list[int]],
    totals: list[int] | None = None,
    limit: int = SMALL_NUMBER_MAX,
    pad_with_zeros: bool = False,
) -> tuple[list[list[int | str]], list[int | str] | None]:
    """A cross-tab with small counts hidden, and more cells hidden in any row or column whose
    hidden cells could be worked out from its total: one hidden cell alone, or hidden cells
    adding up to a small number (two hidden cells that add up to 2 are both 1).

    ``totals`` are the published column totals; a small total is hidden too. With
    ``pad_with_zeros``, a line with no other count above zero hides zeros instead, so a small
    count is never left alone against a total that is shown (a hidden cell may then be 0)."""
    rows, columns = len(cells), len(cells[0]) if cells else 0
    hidden = {(r, c) for r in range(rows) for c in range(columns) if 1 <= cells[r][c] <= limit}
    lines = [[(r, c) for c in range(columns)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(columns)]

    def value(cell):
        return cells[cell[0]][cell[1]]

    changed = True
    while changed:
        changed = False
        for line in lines:
            in_line = [cell for cell in line if cell in hidden]
            if not in_line or (len(in_line) > 1 and sum(map(value, in_line)) > limit):
                continue
            others = [cell for cell in line if cell not in hidden and value(cell) > 0]
            if not others and pad_with_zeros:
                others = [cell for cell in line if cell not in hidden]
            if others:
                hidden.add(min(others, key=value))
                changed = True
    shown = [
        [HIDDEN if (r, c) in hidden else cells[r][c] for c in range(columns)] for r in range(rows)
    ]
    shown_totals = None
    if totals is not None:
        shown_totals = [HIDDEN if 1 <= total <= limit else total for total in totals]
    return shown, shown_totals
