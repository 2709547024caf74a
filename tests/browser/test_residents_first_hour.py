"""A resident's first hour (issue 19), at 320 px and at desktop width, axe on every page: the home
page's two actions, signing in to "My surveys" and resuming a survey, pausing invitations but
keeping the bulletin, and the privacy line of an open survey link."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.demo_resident import DEMO_OPEN_LINK_SOURCE, DEMO_RESIDENT_EMAIL
from panel.extensions import db
from panel.members.models import Member
from surveys.fieldwork.models import OpenLink
from tests.browser.test_join_and_member_area import _latest_email_link

WIDTHS = ["phone", "desktop"]


@pytest.fixture(params=WIDTHS)
def checker(request):
    """A PageChecker at phone width (320 px) or desktop width."""
    return request.getfixturevalue(request.param)(f"residents-{request.param}")


def _is_phone(checker) -> bool:
    return checker.page.viewport_size["width"] == 320


def _in_first_screen(checker, selector: str) -> bool:
    box = checker.page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= checker.page.viewport_size["height"]


def test_home_page_says_what_the_panel_is_and_leads_to_joining(checker):
    page = checker.page
    checker.goto("/")
    checker.no_horizontal_scroll()
    main = page.inner_text("main")
    assert "NHS Lancashire and South Cumbria Integrated Care Board" in main
    for place in ("Blackpool", "Blackburn with Darwen", "Lancashire", "South Cumbria"):
        assert place in main
    join = "main a.nhsuk-button:has-text('Join the panel')"
    sign_in = "main a.nhsuk-action-link:has-text('Sign in to your panel account')"
    # Both actions are in the first screen, even on a 320 by 640 phone.
    assert _in_first_screen(checker, join) and _in_first_screen(checker, sign_in)
    page.click(join)
    page.wait_for_url(re.compile(r".*/join$"))
    checker.check()
    assert "Join the citizens' panel" in page.inner_text("h1")
    page.click("text=Start now")
    checker.check()
    page.fill("#first_name", "Alex")
    page.fill("#last_name", "Morgan")
    page.fill("#email", "alex.morgan@example.com")
    page.fill("#postcode", "FY1 1AA")
    page.click("button:has-text('Continue')")
    checker.check()
    page.click("button:has-text('Continue')")
    page.wait_for_url(re.compile(r".*/join/about-you$"))
    checker.check()
    checker.no_horizontal_scroll()
    # Easy read is not asked until something uses the answer (issue 23); the email language is
    # chosen in the member's details, where it is used.
    about = page.inner_text("main")
    assert "How old are you?" in about
    assert "language" not in about.lower() and "receive information" not in about


def _sign_in_as_demo_resident(checker, live_server) -> None:
    page = checker.page
    checker.goto("/")
    page.click("text=Sign in to your panel account")
    page.wait_for_url(re.compile(r".*/my-panel/sign-in$"))
    checker.check()
    page.fill("#email", DEMO_RESIDENT_EMAIL)
    page.click("button:has-text('Email me a link')")
    checker.check()
    checker.goto(_latest_email_link(live_server, r"http://panel\.test(/my-panel/link/\S+)"))
    page.click("button:has-text('Go to your member area')")
    page.wait_for_url(re.compile(r".*/my-panel/$"))
    checker.check()


def test_signed_in_resident_resumes_a_survey_and_pauses_only_invitations(checker, live_server):
    page = checker.page
    _sign_in_as_demo_resident(checker, live_server)
    checker.no_horizontal_scroll()

    page.click("text=My surveys")
    page.wait_for_url(re.compile(r".*/my-panel/surveys/$"))
    checker.check()
    checker.no_horizontal_scroll()
    main = re.sub(r"\s+", " ", page.inner_text("main"))
    assert "Maternity care: your experience" in main and "1 of 2 pages done" in main
    assert "Pharmacy opening hours" in main and "Pharmacy services for carers" in main
    assert "We have not published what we did with the results yet" in main
    results = page.locator("main a:has-text('You said, we did')")
    assert results.count() == 1
    results.click()
    page.wait_for_url(re.compile(r".*/engagement/\d+$"))
    checker.check()
    assert "Pharmacy opening hours" in page.inner_text("h1")
    page.go_back()

    checker.goto("/my-panel/details")
    checker.no_horizontal_scroll()
    details = page.inner_text("main")
    assert "Which language should we use for your emails?" in details
    assert "Polski" in details and "receive information" not in details
    checker.goto("/my-panel/surveys/")
    page.click("button:has-text('Carry on')")
    page.wait_for_url(re.compile(r".*/s/[^/]+/page/2$"))  # where the resident left off
    checker.check()
    checker.no_horizontal_scroll()

    checker.goto("/my-panel/pause")
    checker.no_horizontal_scroll()
    page.click("button:has-text('Save')")  # "No change" for both is a valid choice
    checker.check()
    checker.goto("/my-panel/pause")
    page.check("input[name=months][value='3']")
    page.check("input[name=bulletin_months][value='keep']")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r".*/my-panel/$"))
    checker.check()
    rows = re.sub(r"\s+", " ", page.inner_text(".nhsuk-summary-list"))
    assert "Survey invitations Paused until" in rows and "Bulletin On" in rows
    with live_server.app_context():
        member = db.session.scalar(sa.select(Member).where(Member.email == DEMO_RESIDENT_EMAIL))
        assert member.paused_until is not None and member.bulletin_paused_until is None
        db.session.remove()
    # Back as it was, so the other width starts from the demo's state.
    checker.goto("/my-panel/pause")
    page.check("input[name=months][value='0']")
    page.click("button:has-text('Save')")
    checker.check()
    if _is_phone(checker):
        page.click("text=My surveys")
        checker.check()


def test_open_link_survey_says_answers_are_not_linked_to_a_membership(checker, live_server):
    with live_server.app_context():
        code = db.session.scalar(
            sa.select(OpenLink.code).where(OpenLink.source == DEMO_OPEN_LINK_SOURCE)
        )
        db.session.remove()
    page = checker.page
    checker.goto(f"/o/{code}")
    checker.no_horizontal_scroll()
    line = re.sub(r"\s+", " ", page.inner_text("#privacy-line"))
    assert "not linked to a panel membership or to your name" in line
    assert DEMO_OPEN_LINK_SOURCE in line
    page.click("button:has-text('Start now')")
    page.wait_for_url(re.compile(r".*/r/[^/]+/page/1$"))
    checker.check()
    checker.no_horizontal_scroll()
