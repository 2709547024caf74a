"""The insight library and the annual report in Chromium with axe-core: the comms team adds a
finding (after a refused first try that keeps what was typed), finds it by searching, sees it
under "What do we already know?" on the survey it concerns, then generates the year's annual
report section on involving the public and saves an edit to it."""

from __future__ import annotations

from panel.auth.models import Role


def test_add_search_and_reuse_a_finding_then_write_the_annual_section(staff_page):
    comms = staff_page(Role.COMMS, "insights")
    page = comms.page
    comms.goto("/staff/insights/")
    assert "Example (demo): getting a GP appointment" in page.inner_text("main")
    page.click("text=Add a finding")
    comms.check()
    page.fill("#title", "Pharmacy opening hours after work")
    page.check("#source_kind-4")  # a partner report
    page.fill("#source_name", "Healthwatch Blackpool")
    page.fill("#heard_on", "2026-10-01")
    page.check("input[name=topics][value=pharmacy]")
    page.check("input[name=groups][value=carers]")
    page.fill("#people_heard", "48")
    page.fill("#owner_name", "Head of Engagement")
    page.click("button:has-text('Save the finding')")
    comms.check()
    assert "Say what we heard" in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#title") == "Pharmacy opening hours after work"
    assert page.is_checked("input[name=topics][value=pharmacy]")
    page.fill("#summary", "Carers cannot reach a pharmacy before 6pm on weekdays.")
    page.click("button:has-text('Save the finding')")
    comms.check()
    assert "Finding added to the insight library" in page.inner_text("main")
    finding_path = "/" + page.url.split("//", 1)[1].split("/", 1)[1]

    comms.goto("/staff/insights/?q=CARERS+pharm&topic=pharmacy")
    results = page.inner_text("main")
    assert "Pharmacy opening hours after work" in results
    assert "Example (demo): getting a GP appointment" not in results
    comms.goto("/staff/insights/?q=pharmacy&heard_from=2026-13-40", expect_status=400)
    assert "Enter a real date" in page.inner_text(".nhsuk-error-summary")
    assert "Pharmacy opening hours after work" in page.inner_text("main")  # the rest still applies

    comms.goto("/staff/surveys/")
    page.click("text=Pharmacy opening hours")
    comms.check()
    known = page.inner_text("main").split("From the insight library")[1]
    assert "Pharmacy opening hours after work" in known.split("Survey guidance")[0]

    comms.goto("/staff/annual-report/?year=2026/28", expect_status=400)
    assert "April to the next March" in page.inner_text(".nhsuk-error-summary")
    page.fill("#year", "2026/27")
    page.click("button:has-text('Show the year')")
    comms.check()
    page.click("button:has-text('Generate the section from the register')")
    comms.check()
    draft = page.input_value("#body")
    assert draft.startswith("## How we involved the public in 2026/27")
    page.fill("#body", draft + "\nWe thank everyone who took part.\n")
    page.click("button:has-text('Save the draft')")
    comms.check()
    assert page.input_value("#body").endswith("We thank everyone who took part.\n")

    # On a 320px phone the library, a finding and the annual report fit without scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/staff/insights/?q=pharmacy", finding_path, "/staff/annual-report/?year=2026/27"):
        comms.goto(path)
        comms.no_horizontal_scroll()
