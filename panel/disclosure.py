"""Small-number suppression (NHS Digital's rule) for breakdowns that leave staff pages: counts
from 1 to 7 are hidden, and so is a second cell wherever one hidden cell could be worked out
from the column's published total."""

from __future__ import annotations

SMALL_NUMBER_MAX = 7
HIDDEN = "*"


def suppress_small(
    rows: list[dict], columns: list[str], limit: int = SMALL_NUMBER_MAX
) -> list[dict]:
    """Copies of ``rows`` with small counts in ``columns`` replaced by HIDDEN."""
    shown = [dict(row) for row in rows]
    for column in columns:
        hidden = [i for i, row in enumerate(rows) if 1 <= (row[column] or 0) <= limit]
        if len(hidden) == 1:
            others = [i for i, row in enumerate(rows) if i not in hidden and (row[column] or 0) > 0]
            if others:
                hidden.append(min(others, key=lambda i: rows[i][column]))
        for i in hidden:
            shown[i][column] = HIDDEN
    return shown
