"""The one CSV writer: every export goes through it, and no cell it writes can run as a formula."""

import csv
import io
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from panel.csv_export import csv_chunks, csv_text, spreadsheet_safe

ROOT = Path(__file__).resolve().parents[2]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_every_export_writes_csv_through_the_one_writer():
    writers = [
        str(path.relative_to(ROOT))
        for package in ("panel", "surveys", "mailer")
        for path in sorted((ROOT / package).rglob("*.py"))
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["panel/csv_export.py"]


def test_cells_a_spreadsheet_would_run_are_neutralised():
    text = csv_text(["name", "sum"], [['=HYPERLINK("http://x")', "+1"], ["@SUM", -2], [None, 3]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["name", "sum"],
        ['\'=HYPERLINK("http://x")', "'+1"],
        ["'@SUM", "'-2"],
        ["", "3"],
    ]


def test_streamed_pieces_join_to_the_whole_text():
    rows = [[f"member {number}", "=1+1"] for number in range(50)]
    pieces = list(csv_chunks(["a", "b"], rows, chunk_characters=100))
    assert len(pieces) > 2
    assert "".join(pieces) == csv_text(["a", "b"], rows)


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), max_size=5))
def test_no_written_cell_starts_like_a_formula(rows):
    text = csv_text(None, rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    cells = [cell for row in read for cell in row]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)
    assert [spreadsheet_safe(spreadsheet_safe(cell)) for row in rows for cell in row] == [
        spreadsheet_safe(cell) for row in rows for cell in row
    ]
