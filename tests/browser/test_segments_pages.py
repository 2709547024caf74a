"""Segment builder, dashboard and caps pages in Chromium with axe-core, without JavaScript needs."""

from __future__ import annotations

from panel.auth.models import Role


def test_builder_flow_and_dashboard_pass_axe(staff_page):
    checker = staff_page(Role.COMMS, "segments")
    page = checker.page
    checker.goto("/staff/segments/")
    page.fill("#name", "Carers in Blackpool")
    page.select_option("#place_id", label="Blackpool")
    page.click("button:has-text('Create and add conditions')")
    checker.check()
    before = page.inner_text(".app-count")
    page.select_option("#field-top", "carer")
    page.click("button:has-text('Add condition')")
    checker.check()
    page.check("input[name=values][value='yes_under_20']")
    page.click("button:has-text('Add condition')")
    checker.check()
    assert "Unpaid carer is" in page.inner_text("main")
    assert page.inner_text(".app-count") != before  # the count follows the conditions
    page.click("button:has-text('Match any')")
    checker.check()
    checker.goto("/staff/segments/representativeness")
    checker.goto("/staff/segments/contact-rules")


def test_place_team_sees_its_segment_pages(staff_page):
    checker = staff_page(Role.PLACE, "segments-place")
    checker.goto("/staff/segments/")
    checker.goto("/staff/segments/representativeness")
    assert "Lancashire" not in checker.page.inner_text("h2")


def test_place_team_checks_the_pool_and_selects_fairly(staff_page):
    """The pool checked against Census targets, then a selection with target, selected and gap."""
    checker = staff_page(Role.PLACE, "selection-place")
    page = checker.page
    checker.goto("/staff/segments/")
    page.click("text=Carers and people interested in maternity")
    page.click("text=Pick a fair selection")
    checker.check()
    assert "Census 2021 population of Blackpool" in page.inner_text("main")
    page.fill("#number_wanted", "4")
    page.click("button:has-text('Check the pool against the targets')")
    checker.check()
    assert "The pool against the targets" in page.inner_text("main")
    page.check("input[name=accept_shortfall]")
    page.click("button:has-text('Select')")
    checker.check()
    main = page.inner_text("main")
    assert "4 people selected" in main and "How closely the quotas were met" in main
    assert "Gap" in main and "Target" in main


def test_recruitment_plan_and_its_targets_pass_axe(staff_page):
    """The plan (scores, forecasts, sign-ups) and the targets form with an error shown."""
    checker = staff_page(Role.COMMS, "recruitment")
    page = checker.page
    checker.goto("/staff/recruitment-plan/")
    main = page.inner_text("main")
    assert "How representative" in main and "Sign-ups over the last twelve months" in main
    page.click("text=Change the target or a place's share")
    checker.check()
    page.fill("#total", "0")
    page.click("button:has-text('Save targets')")
    checker.check()
    assert "Enter a number from 1 to 100,000" in page.inner_text(".nhsuk-error-summary")
