"""Each demo role signs in through the real pages in Chromium; every page passes axe-core."""

from __future__ import annotations

import pytest

from panel.auth.demo import DEMO_ACCOUNTS
from panel.auth.models import Role
from tests.browser.conftest import PageChecker, sign_in

PAGES_BY_ROLE = {
    Role.COMMS: [
        "/staff/",
        "/staff/account",
        "/staff/admin/staff/",
        "/staff/admin/staff/invite",
        "/staff/places/",
        "/staff/places/postcodes/FY1",
        "/staff/audit/",
        "/staff/audit/retention",
        "/staff/outbox/",
    ],
    Role.PLACE: ["/staff/", "/staff/account"],
    Role.OBSERVER: ["/staff/", "/staff/account"],
    Role.PARTNER: [
        "/staff/",
        "/staff/account",
        "/staff/partner/",
        "/staff/partner/reports",
        "/staff/partner/reports/new",
    ],
}


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.role.value)
def test_each_demo_role_signs_in_and_main_pages_pass_axe(desktop, account):
    checker = desktop(account.role.value)
    sign_in(checker, account.email)
    for path in PAGES_BY_ROLE[account.role]:
        checker.goto(path)
    if account.role is not Role.COMMS:
        checker.goto("/staff/audit/", expect_status=403)
    checker.goto("/staff/sign-out")
    checker.page.click("button:has-text('Sign out')")
    checker.check()
    assert checker.page.url.endswith("/staff/sign-in")


def test_public_pages_pass_axe_and_fit_a_320px_phone(phone):
    checker = phone("phone")
    for path in [
        "/",
        "/privacy",
        "/accessibility",
        "/cookies",
        "/staff/sign-in",
        "/staff/password-reset",
    ]:
        checker.goto(path)
        checker.no_horizontal_scroll()
    checker.goto("/no-such-page", expect_status=404)


def test_sign_in_errors_show_a_summary_and_keep_the_email(desktop):
    checker = desktop("errors")
    checker.goto("/staff/sign-in")
    checker.page.fill("#email", "someone@example.nhs.uk")
    checker.page.click("button:has-text('Sign in')")
    checker.check()
    assert checker.page.locator(".nhsuk-error-summary").is_visible()
    assert checker.page.input_value("#email") == "someone@example.nhs.uk"


def test_sign_in_works_by_keyboard_alone(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.config["LIVE_URL"] + "/staff/sign-in")
    page.keyboard.press("Tab")  # skip link first
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    page.keyboard.type("observer@demo.lsc-panel.example")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    page.wait_for_selector(".nhsuk-error-summary")
    context.close()


def test_the_sideways_scroll_check_fails_for_a_page_too_wide_for_a_phone(phone):
    # A phone zooms out to fit wide content, so the check must not measure the window itself.
    checker = phone("too wide")
    checker.page.set_content(
        '<meta name="viewport" content="width=device-width">'
        '<div class="too-wide">A table as wide as a desktop screen</div>'
        "<style>.too-wide { width: 1000px; }</style>"
    )
    with pytest.raises(AssertionError, match=r"> 320\): \[.*'DIV.too-wide'\]"):
        checker.no_horizontal_scroll()


def test_the_axe_check_fails_for_a_page_with_violations(browser, live_server):
    """A page opened before the checker loaded axe into its context (axe is sent then) and one
    opened after (axe is already there) are both judged, and the violation named."""
    context = browser.new_context()
    page = context.new_page()
    page.route(
        "http://axe-check.test/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><title>Bad</title><main>'
            '<img src="x.png"><a href="/next">Next</a></main></html>',
        ),
    )
    page.goto("http://axe-check.test/before")
    checker = PageChecker(page, live_server.config["LIVE_URL"], "axe-fails")
    with pytest.raises(AssertionError, match=r"image-alt.*'img'"):
        checker.check()
    page.goto("http://axe-check.test/after")
    assert page.evaluate("() => typeof window.axe") == "object"  # from the context's script
    with pytest.raises(AssertionError, match=r"image-alt.*'img'"):
        checker.check()
    context.close()
