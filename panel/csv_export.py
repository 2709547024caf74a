"""The one CSV writer for exports: every cell is made safe to open in a spreadsheet.

A cell starting with =, +, -, @, a tab or a carriage return would run as a formula in Excel or
LibreOffice (OWASP "CSV injection"), so such a cell gets a leading apostrophe. Every export
writes through here, so no export can forget it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: about this many characters of CSV go out in one piece of a streamed export.
CHUNK_CHARACTERS = 64 * 1024


def spreadsheet_safe(value) -> str:
    """The value as text, with an apostrophe before anything a spreadsheet would run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _all_rows(header: Sequence | None, rows: Iterable[Sequence]) -> Iterator[Sequence]:
    if header is not None:
        yield header
    yield from rows


def csv_chunks(
    header: Sequence | None, rows: Iterable[Sequence], chunk_characters: int | None = None
) -> Iterator[str]:
    """Safe CSV text (header first, if given) in pieces of about ``chunk_characters``
    (CHUNK_CHARACTERS unless given), the last piece ending the file; for streamed exports."""
    limit = chunk_characters or CHUNK_CHARACTERS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _all_rows(header, rows):
        writer.writerow([spreadsheet_safe(value) for value in row])
        if buffer.tell() >= limit:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Sequence | None, rows: Iterable[Sequence]) -> str:
    """The whole safe CSV text (header first, if given) as one string."""
    return "".join(csv_chunks(header, rows, chunk_characters=2**62))
