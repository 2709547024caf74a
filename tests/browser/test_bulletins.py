"""Bulletin editor, preview, schedule and progress pages in Chromium with axe-core."""

from __future__ import annotations

import re
from pathlib import Path

from panel.auth.models import Role

SHOTS = Path("/work/notes/shots")


def test_editor_preview_schedule_and_bulletin_pages_pass_axe(staff_page):
    checker = staff_page(Role.COMMS, "bulletins")
    page = checker.page
    checker.goto("/staff/bulletins/")
    page.fill("#title", "Browser test bulletin")
    page.click("button:has-text('Create and start writing')")
    page.wait_for_url(re.compile(r".*/edit$"))
    checker.check()
    page.fill("#intro", "Hello, see [click here](https://example.org).")
    page.click("button:has-text('Save')")
    checker.check()
    assert "does not say where it goes" in page.inner_text("main")
    page.click("text=Add an item")
    checker.check()
    page.check("input[name=kind][value=news]")
    page.fill("#title", "A new walk-in centre")
    page.fill("#body", "Open **every day**.")
    page.click("button:has-text('Save item')")
    checker.check()
    bulletin_path = page.url.rsplit("/edit", 1)[0]
    checker.goto(bulletin_path.split(checker.base_url, 1)[1])
    checker.goto(bulletin_path.split(checker.base_url, 1)[1] + "/preview")
    checker.goto(bulletin_path.split(checker.base_url, 1)[1] + "/schedule")
    page.check("input[name=when][value=later]")
    page.fill("#send_date", "2027-03-28")
    page.fill("#send_time", "01:30")
    page.click("button:has-text('Schedule')")
    checker.check()
    assert "clocks go forward" in page.inner_text("main")
    checker.goto(bulletin_path.split(checker.base_url, 1)[1] + "/audience")
    checker.goto("/staff/bulletins/contributions")
    checker.goto("/staff/bulletins/contributions/review")


def test_sent_demo_bulletin_page_with_progress_passes_axe(staff_page):
    checker = staff_page(Role.COMMS, "bulletins-sent")
    page = checker.page
    checker.goto("/staff/bulletins/")
    page.click("text=Citizens' Panel news: November 2026")
    checker.check()
    assert "Check and resend these 3" in page.inner_text("main")


def test_bulletin_figures_pass_axe_for_comms_and_observers(staff_page):
    for role in (Role.COMMS, Role.OBSERVER):
        checker = staff_page(role, f"bulletin-figures-{role.value}")
        page = checker.page
        checker.goto("/staff/bulletins/stats")
        main = page.inner_text("main")
        assert "50% benchmark" in page.content() and "Citizens' Panel news: November 2026" in main
        page.click("text=Citizens' Panel news: November 2026")
        checker.check()
        main = page.inner_text("main")
        assert "Open rate" in main and "Base for rates" in main and "By place" in main
        page.click("text=How these figures are counted")
        checker.check()


def _keep_shot(page, name: str) -> None:
    """A phone-width screenshot for the issue's closing note, where the notes folder exists."""
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_public_bulletin_archive_from_the_home_page_passes_axe_at_phone_width(phone):
    checker = phone("bulletin-archive")
    page = checker.page
    checker.goto("/")
    page.click("text=Read the bulletins we have sent")
    page.wait_for_url(re.compile(r".*/bulletins/$"))
    checker.check()
    checker.no_horizontal_scroll()
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
    _keep_shot(page, "bulletin-archive-index-phone")
    page.click("text=Citizens' Panel news: November 2026")
    page.wait_for_url(re.compile(r".*/bulletins/\d+$"))
    checker.check()
    checker.no_horizontal_scroll()
    assert "All bulletins" in page.inner_text("body")
    _keep_shot(page, "bulletin-archive-bulletin-phone")
