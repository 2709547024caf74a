"""Open registration in Chromium with axe-core on every page: a resident on a phone finds the
event on the engagement page, is refused without a name or a valid email (beside the fields,
nothing typed lost), then registers with an answer to the event's question and needs given with
consent, and the organiser reads the registration on the registrants page."""

from __future__ import annotations

from panel.auth.models import Role


def test_a_resident_registers_for_an_event_from_the_engagement_page(phone, staff_page):
    resident = phone("event-registration")
    page = resident.page
    resident.goto("/engagement/")
    page.locator("a", has_text="Register for").first.click()
    resident.check()
    resident.no_horizontal_scroll()
    title = page.inner_text("h1")
    question = page.locator("textarea[name=answer_1]")
    assert question.count() == 1, "the demo event asks one question of its own"
    question.fill("Evenings suit me better")
    page.fill("#email", "not an email")
    page.click("main button:has-text('Register')")
    resident.check()
    errors = page.inner_text(".nhsuk-error-summary")
    assert "Enter your name" in errors and "correct format" in errors
    assert page.input_value("textarea[name=answer_1]") == "Evenings suit me better"
    page.fill("#name", "Robin Registrant")
    page.fill("#email", "robin.registrant@example.com")
    page.fill("#access_needs", "Step-free access")
    page.check("#consent")
    page.click("main button:has-text('Register')")
    resident.check()
    done = page.inner_text("main")
    assert "Thank you for registering" in done and title in done

    organiser = staff_page(Role.COMMS, "event-registrants")
    organiser.goto("/staff/events/")
    organiser.page.click(f"text={title}")
    organiser.page.click("a[href$='/registrants']")
    organiser.check()
    row = organiser.page.inner_text("main")
    assert "Robin Registrant" in row and "Evenings suit me better" in row
