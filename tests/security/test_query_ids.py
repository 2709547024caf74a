"""Numbers read from the query string go through panel.forms_common, which keeps them within
what a database column holds: a raw ``request.args.get(..., type=int)`` passed to a lookup
overflows the driver on a huge number (a 500 instead of a 404)."""

import re
from pathlib import Path

import pytest

from panel.forms_common import requested_id

ROOT = Path(__file__).resolve().parents[2]


def test_no_view_reads_a_number_from_the_query_string_by_hand():
    raw = re.compile(r"request\.args\.get\([^)]*type=int")
    found = [
        str(path.relative_to(ROOT))
        for package in ("app", "panel", "surveys", "mailer")
        for path in (ROOT / package).rglob("*.py")
        if path != ROOT / "panel" / "forms_common.py" and raw.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", None),
        ("source=", None),
        ("source=abc", None),
        ("source=0", None),
        ("source=-4", None),
        ("source=99999999999999999999999999", None),
        ("source=2147483648", None),
        ("source=2147483647", 2147483647),
        ("source=12", 12),
    ],
)
def test_requested_id_is_none_unless_a_database_can_hold_it(app, query, expected):
    with app.test_request_context(f"/?{query}"):
        assert requested_id("source") == expected
