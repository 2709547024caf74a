"""The duplicates pages in Chromium with axe-core: review, merge, undo (comms) and propose
(place team), at desktop and phone widths, without JavaScript needs."""

from __future__ import annotations

from panel.auth.models import Role


def test_comms_reviews_merges_and_undoes_and_a_place_team_proposes(staff_page):
    checker = staff_page(Role.COMMS, "duplicates")
    page = checker.page
    checker.goto("/staff/duplicates/")
    assert "same postcode" in page.inner_text("main")
    page.click("td a:has-text('Review') >> nth=0")
    checker.check()
    assert "What merging would do" in page.inner_text("main")
    page.click("button:has-text('Merge these records')")
    checker.check()
    assert "You can undo this merge until" in page.inner_text("main")
    page.click("button:has-text('Undo this merge')")
    checker.check()
    assert "Merge undone" in page.inner_text("main")
    page.set_viewport_size({"width": 320, "height": 800})
    checker.goto("/staff/duplicates/")
    checker.no_horizontal_scroll()
    page.set_viewport_size({"width": 1280, "height": 900})

    place = staff_page(Role.PLACE, "duplicates-place")
    place.goto("/staff/duplicates/")
    place.page.click("td a:has-text('Review') >> nth=0")
    place.check()
    assert "Propose merging these records" in place.page.inner_text("main")
    assert "Merge these records" not in place.page.inner_text("main")


def test_comms_reads_panel_health_and_checks_a_still_interested_round(staff_page):
    checker = staff_page(Role.COMMS, "panel-health")
    page = checker.page
    checker.goto("/staff/panel-health/")
    main = page.inner_text("main")
    assert "Each place now" in main and "Members at the end of the month" in main
    assert "duplicate check of" in main  # the demo stored a scan; no page runs the detector
    page.set_viewport_size({"width": 320, "height": 800})
    checker.goto("/staff/panel-health/")
    checker.no_horizontal_scroll()
    page.set_viewport_size({"width": 1280, "height": 900})
    checker.goto("/staff/activity/")
    assert "Response rates" in page.inner_text("main")
    page.click("a:has-text('Check who would be asked now')")
    checker.check()
    assert "will get this email" in page.inner_text("main")
    assert "yes, keep me" in page.inner_text("main").lower()
