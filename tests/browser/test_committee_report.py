"""The committee's journey in Chromium with axe-core on every page, on a 320 px phone: an
observer opens the assurance dashboard, goes on to the committee report, chooses its dates and
finds the PDF for the papers, with nothing to edit anywhere. A phone-width screenshot of the
report is kept in /work/notes/shots/."""

from __future__ import annotations

from pathlib import Path

from panel.auth.models import Role

SHOTS = Path("/work/notes/shots")


def test_an_observer_goes_from_the_dashboard_to_the_committee_report(staff_page):
    observer = staff_page(Role.OBSERVER, "committee-report")
    page = observer.page
    page.set_viewport_size({"width": 320, "height": 640})
    observer.goto("/staff/assurance/")
    observer.no_horizontal_scroll()
    page.click("text=Read the committee report")
    observer.check()
    observer.no_horizontal_scroll()
    main = page.inner_text("main")
    assert "since the committee's meeting on" in main  # the demo's last meeting
    for number, name in enumerate(
        ("Summary", "What we did", "Who we heard from", "What they said", "What changed"), 1
    ):
        assert f"{number}. {name}" in main
    assert page.locator("main form[method='post']").count() == 0
    assert page.get_by_role("link", name="Download the report as a PDF").count() == 1
    page.fill("#start", "2026-01-01")
    page.click("button:has-text('Show the report for these dates')")
    observer.check()
    assert "1 January 2026 to" in page.inner_text("h1")
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "committee-report-observer.png"), full_page=True)
    observer.goto("/staff/assurance/report?start=2026-05-01&end=2026-04-01")
    assert "on or before the end date" in page.inner_text(".nhsuk-error-summary")
