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


def test_results_filters_show_no_errors_on_first_load(staff_page, phone, width):
    comms = _at(staff_page(Role.COMMS, f"results-first-{width}"), width)
    page = comms.page
    comms.goto("/staff/")
    page.click("text=Pharmacy opening hours")
    comms.check()
    _no_errors(comms)
    assert "people sent answers" in page.inner_text("main")
    comms.no_horizontal_scroll()
    _shot(comms, width, "results-first-load")
    comms.goto("/" + page.url.split("/", 3)[3].split("?")[0] + "?place=999999&by=place")
    assert "Not a valid choice" in page.inner_text("main")  # a bad value sent says so
    public = phone(f"engagement-first-{width}")
    public.goto("/engagement/")
    _no_errors(public)
    _shot(public, width, "engagement-first-load")


def test_an_observer_reads_a_report_without_edit_controls(staff_page, width):
    observer = _at(staff_page(Role.OBSERVER, f"observer-report-{width}"), width)
    page = observer.page
    observer.goto("/staff/surveys/")
    page.click("text=Pharmacy opening hours")
    observer.check()
    page.click("text=Results: figures")
    observer.check()
    page.click("text=The engagement report")
    observer.check()
    observer.no_horizontal_scroll()
    assert "1. Dates and timescales" in page.inner_text("main")
    assert page.locator("main form[method='post']").count() == 0
    assert page.get_by_role("link", name="Download the report as a PDF").count() == 1
    _shot(observer, width, "observer-report")


def test_a_place_lead_reads_an_icb_wide_survey_for_their_place(staff_page, width):
    lead = _at(staff_page(Role.PLACE, f"place-icb-{width}"), width)
    page = lead.page
    lead.goto("/staff/surveys/")
    page.click("text=Results in your places: Pharmacy opening hours")
    lead.check()
    _no_errors(lead)
    text = page.inner_text("main")
    assert "sent answers in your places" in text and "run across the whole ICB" in text
    for other in ("Blackburn with Darwen", "Lancashire", "South Cumbria"):
        assert page.locator("main th", has_text=other).count() == 0, other
    lead.no_horizontal_scroll()
    _shot(lead, width, "place-lead-icb-results")
    page.select_option("#by", "age_band")
    page.click("button:has-text('Show results')")
    lead.check()
    _no_errors(lead)


def test_coding_comments_in_bulk(staff_page, width):
    comms = _at(staff_page(Role.COMMS, f"coding-{width}"), width)
    page = comms.page
    comms.goto("/staff/")
    page.click("text=Pharmacy opening hours")
    page.click("text=Themes in the comments")
    comms.check()
    page.fill("#new-name", f"Opening hours ({width})")
    page.click("button:has-text('Add the theme')")
    comms.check()
    page.click("text=Code the comments to themes")
    comms.check()
    _no_errors(comms)
    page.select_option("#show", "uncoded")
    page.click("button:has-text('Show comments')")
    comms.check()
    before = page.inner_text("main .nhsuk-lede-text")
    boxes = page.locator("input[name='comments']")
    for n in range(3):  # by keyboard: focus each box and press space
        boxes.nth(n).focus()
        page.keyboard.press("Space")
    page.select_option("#theme_id", label=f"Opening hours ({width})")
    page.click("button:has-text('Apply the theme to the ticked comments')")
    comms.check()
    assert "3 comments coded" in page.inner_text("main")
    assert page.inner_text("main .nhsuk-lede-text") != before
    comms.no_horizontal_scroll()
    _shot(comms, width, "coding")
    page.click("button:has-text('Apply the theme to the ticked comments')")
    comms.check()
    assert "Choose at least one comment" in page.inner_text("main")


def test_changing_a_decision_shows_updated_on_the_public_page(staff_page, phone, width):
    comms = _at(staff_page(Role.COMMS, f"decision-{width}"), width)
    page = comms.page
    comms.goto("/staff/")
    page.click("text=Pharmacy opening hours")
    page.click("text=Write the public results page")
    comms.check()
    page.locator("a:has-text('Change')").first.click()
    comms.check()
    _shot(comms, width, "change-decision")
    page.fill("#decided_on", "2026-01-0" + ("2" if width == "phone" else "3"))
    page.click("button:has-text('Save the change')")
    comms.check()
    public = phone(f"decision-public-{width}")
    public.goto("/engagement/")
    public.page.click("text=Pharmacy opening hours")
    public.check()
    assert "updated on" in public.page.inner_text("main")
    public.page.click("text=What this said before it was updated")
    public.check()
    _shot(public, width, "public-decision-updated")
