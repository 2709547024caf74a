"""Results and closing the loop in Chromium with axe-core: the public "Our engagement" index and
a "You said, we did" page (also on a 320px phone), and the staff results, comments and
results-page editor, as the comms team and an observer."""

from __future__ import annotations

from panel.auth.models import Role


def test_public_engagement_pages(phone):
    checker = phone("engagement")
    page = checker.page
    checker.goto("/engagement/")
    checker.no_horizontal_scroll()
    page.select_option("#topic", "pharmacy")
    page.click("button:has-text('Show engagement')")
    checker.check()
    page.click("text=Pharmacy opening hours")
    checker.check()
    checker.no_horizontal_scroll()
    text = page.inner_text("main")
    assert "What we asked and why" in text and "Twelve pharmacies will open until 8pm" in text
    assert "When would you like to be able to visit a pharmacy?" in text
    checker.goto("/engagement/999999", expect_status=404)


def test_staff_results_comments_and_results_page(staff_page):
    comms = staff_page(Role.COMMS, "results")
    page = comms.page
    comms.goto("/staff/")
    assert "Pharmacy services for carers" in page.inner_text("main")  # flagged: no results
    page.click("text=Pharmacy opening hours")
    comms.check()
    assert "people sent answers" in page.inner_text("main")
    page.select_option("#by", "age_band")
    page.fill("#submitted_from", "2099-01-01")
    page.click("button:has-text('Show results')")
    comms.check()
    assert "0 people sent answers matching the filters" in page.inner_text("main")
    page.click("text=Read the comments and choose quotes")
    comms.check()
    page.click("text=Themes in the comments")
    comms.check()
    page.click("button:has-text('Suggest themes')")
    comms.check()
    assert "Suggested" in page.inner_text("main")
    page.click("text=Back to the results")
    page.click("text=The engagement report")
    comms.check()
    assert "6. Next steps" in page.inner_text("main")
    page.click("text=Back to the results")
    page.click("text=Write the public results page")
    comms.check()
    page.click("button:has-text('Add the decision')")
    comms.check()
    assert "Say what people told us" in page.inner_text("main")
    observer = staff_page(Role.OBSERVER, "results-observer")
    observer.goto("/staff/")
    observer.page.click("text=Pharmacy opening hours")
    observer.check()
    assert "Read the comments" not in observer.page.inner_text("main")
