"""The builder's guidance explanations and "this finding is wrong" in Chromium with axe-core:
an author sees why and how to fix, marks a finding wrong (a missing reason is told next to the
field), and the comms team finds the mark on its page."""

from __future__ import annotations

import re
from pathlib import Path

from panel.auth.models import Role

SHOTS = Path("/work/notes/shots")


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_author_marks_a_finding_wrong_and_comms_sees_it(staff_page):
    checker = staff_page(Role.COMMS, "finding-marks")
    page = checker.page
    checker.goto("/staff/surveys/new")
    page.fill("#title", "Community bus to the clinic")
    page.fill("#purpose", "To hear whether people would use a community bus.")
    page.fill("#decision", "Whether to fund a community bus next year.")
    page.fill("#opens_day", "2027-06-07")
    page.fill("#closes_day", "2027-07-19")
    page.click("button:has-text('Save the plan')")
    page.wait_for_url(re.compile(r".*/staff/surveys/\d+$"))
    page.click("text=Add a question to page 1")
    page.fill("#text", "Do you support our plans to improve the community bus?")
    page.fill("#options", "Yes\nNo")
    page.fill("#why_we_ask", "To decide whether to fund the bus.")
    page.click("button:has-text('Save question')")
    checker.check()
    finding = page.locator("#question-q1 li.app-finding", has_text="This question is leading")
    text = finding.inner_text()
    assert "Why:" in text and "support our plans" in text and "How to fix:" in text
    # A reason too short to act on is told next to the field, and the rest is kept.
    finding.locator("summary", has_text="This finding is wrong").click()
    finding.locator(".app-mark textarea").fill("no")
    finding.locator(".app-mark button").click()
    checker.check()
    assert "Say in a sentence why this finding is wrong" in page.inner_text(".nhsuk-error-summary")
    refused = page.locator("#question-q1 li.app-finding", has_text="This question is leading")
    assert "Say in a sentence why" in refused.locator(".app-mark .nhsuk-error-message").inner_text()
    refused.locator(".app-mark textarea").fill("It is a consultation: we are asking for support.")
    refused.locator(".app-mark button").click()
    checker.check()
    assert "the comms team will look at your note" in page.inner_text("main")
    _shot(page, "builder-finding-explanation.png")
    page.set_viewport_size({"width": 320, "height": 800})
    checker.goto("/staff/surveys/finding-marks")
    checker.no_horizontal_scroll()
    _shot(page, "finding-marks-phone.png")
    main = page.inner_text("main")
    assert "Do you support our plans to improve the community bus?" in main
    assert "It is a consultation: we are asking for support." in main
    page.set_viewport_size({"width": 1280, "height": 900})
