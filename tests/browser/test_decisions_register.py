"""The decisions register in Chromium with axe-core: the comms team records a decision, links
the survey and a partner report behind it, makes it, publishes it and opens the check page for
telling the people who took part; the public then read it on a 320px phone, from the register
to the decision and on to the survey's "You said, we did" page and back."""

from __future__ import annotations

from pathlib import Path

from panel.auth.models import Role


def test_staff_record_a_decision_and_the_public_read_its_trail(staff_page, phone):
    comms = staff_page(Role.COMMS, "decisions")
    page = comms.page
    comms.goto("/staff/decisions/")
    assert "Example (demo): late weekday opening pilot" in page.inner_text("main")
    page.click("text=Record a decision")
    comms.check()
    page.fill("#title", "Evening opening for the Blackpool walk-in centre")
    page.fill("#decided_on", "2026-11-20")
    page.check("#body_kind-2")  # a committee
    page.fill("#body_name", "Primary Care Commissioning Committee")
    page.fill("#paper_url", "javascript:alert(1)")
    page.check("#status-2")  # made
    page.fill("#owner_name", "Director of Primary Care")
    page.check("#duty_applies")
    page.fill("#duty_reason", "It changes when people can get urgent care.")
    page.click("button:has-text('Save the decision')")
    comms.check()
    assert "Enter a web address starting with https://" in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#title") == "Evening opening for the Blackpool walk-in centre"
    page.fill("#paper_url", "https://example.org/pccc-12")
    page.click("button:has-text('Save the decision')")
    comms.check()
    page.check("#link-kind")  # a survey
    page.select_option("#link-survey_id", label="Pharmacy opening hours")
    page.fill("#link-people_said", "People need care after work on weekdays.")
    page.check("#link-outcome")
    page.fill("#link-how_used", "The centre opens until 9pm on weekdays.")
    page.click("button:has-text('Add the involvement')")
    comms.check()
    page.check("#link-kind-2")  # a partner report
    page.select_option("#link-other_kind", "partner_report")
    page.fill("#link-other_title", "Healthwatch Blackpool: urgent care")
    page.fill("#link-other_date", "2026-09-01")
    page.fill("#link-people_said", "Weekend mornings are hardest.")
    page.check("#link-outcome-2")  # we did not
    page.click("button:has-text('Add the involvement')")
    comms.check()
    assert "Say what we did, or why we did not" in page.inner_text(".nhsuk-error-summary")
    page.fill("#link-how_used", "Weekend hours are part of next year's review.")
    page.click("button:has-text('Add the involvement')")
    comms.check()
    page.click("button:has-text('Put it on the public register')")
    comms.check()
    page.click("text=Tell the people who took part")
    comms.check()
    assert "will get this email" in page.inner_text("main")
    assert "Evening opening for the Blackpool walk-in centre" in page.inner_text(".app-email-text")
    page.click("text=Cancel: do not send")
    page.click("text=see the public page")
    public_url = page.url.split("//", 1)[1].split("/", 1)[1]
    comms.goto("/staff/decisions/measures")
    assert "Median:" in page.inner_text("main")
    comms.goto("/staff/assurance/")
    assert "active members against an ambition of 4,000" in page.inner_text("main")
    comms.goto("/staff/assurance/?period=two_months")
    assert "Bulletin reach and opens" in page.inner_text("main")
    page.set_viewport_size({"width": 320, "height": 640})
    comms.check()
    comms.no_horizontal_scroll()
    if Path("/work/notes/shots").is_dir():
        page.screenshot(path="/work/notes/shots/assurance-period-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    comms.goto("/staff/assurance/?period=since&since=2026-02-30")
    assert "Enter a real date" in page.inner_text("main")

    reader = phone("decisions-public")
    reader.goto("/decisions/?body=committee&status=made")
    reader.no_horizontal_scroll()
    reader.page.click("text=Evening opening for the Blackpool walk-in centre")
    reader.check()
    reader.no_horizontal_scroll()
    assert reader.page.url.endswith("/" + public_url)
    text = reader.page.inner_text("main")
    assert "We did not, because" in text and "Healthwatch Blackpool: urgent care" in text
    reader.page.click("text=Pharmacy opening hours")
    reader.check()
    assert "Decisions that used what you said" in reader.page.inner_text("main")
    reader.page.click("text=Evening opening for the Blackpool walk-in centre")
    assert reader.page.url.endswith("/" + public_url)
