"""The survey builder's first-hour journeys in Chromium with axe-core, at 320 px and at desktop
width: the check-answers step's "Change" links, the question bank, and answering grid and
ranking questions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from panel.auth.models import Role, StaffUser
from panel.database import utcnow
from panel.extensions import db
from surveys import content as doc
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import SurveyStatus
from surveys.services import authoring
from tests.browser.conftest import PageChecker
from tests.factories import make_member
from tests.surveys.helpers import write_good_survey
from tests.surveys.test_grid_and_ranking import live_compound_survey

SHOTS = Path("/work/notes/shots")
WIDTHS = {"phone": {"width": 320, "height": 800}, "desktop": {"width": 1280, "height": 900}}


def _draft(live_server, title: str) -> int:
    """A draft survey written by the browser comms user, made straight in the database."""
    with live_server.app_context():
        author = db.session.scalar(
            sa.select(StaffUser).where(StaffUser.email == "browser-comms@example.nhs.uk")
        )
        survey = write_good_survey(db.session, author, utcnow(), title=title)
        db.session.commit()
        survey_id = survey.id
        db.session.remove()
    return survey_id


def keep_shot(page, name: str) -> None:
    """Save the current page, full length, as a named screenshot for the issue's note."""
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"builder-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_change_links_on_the_check_step_come_back_to_it(staff_page, live_server, width):
    checker = staff_page(Role.COMMS, f"builder-check-{width}")
    page = checker.page
    page.set_viewport_size(WIDTHS[width])
    survey_id = _draft(live_server, f"Travel to appointments ({width})")
    checker.goto(f"/staff/surveys/{survey_id}")
    page.click("text=Check the whole survey before asking for a review")
    checker.check()
    checker.no_horizontal_scroll()
    if width == "phone":
        keep_shot(page, "check-answers")
    page.click("a:has-text('Change'):has-text('question q3')")
    page.wait_for_url(re.compile(r".*/questions/q3\?return_to=check$"))
    checker.check()
    page.fill("#text", "What would make getting to your appointments easier?")
    page.click("button:has-text('Save question')")
    page.wait_for_url(re.compile(rf".*/staff/surveys/{survey_id}/check#question-q3$"))
    checker.check()
    assert "getting to your appointments easier" in page.inner_text("#question-q3")
    page.click("a:has-text('Change'):has-text('what it is for')")
    page.wait_for_url(re.compile(r".*/plan\?return_to=check#purpose$"))
    checker.check()
    page.fill("#purpose", "To learn how people travel to their hospital appointments.")
    page.click("button:has-text('Save the plan')")
    page.wait_for_url(re.compile(rf".*/staff/surveys/{survey_id}/check#plan$"))
    checker.check()
    assert "travel to their hospital appointments" in page.inner_text("main")
    page.close()


def _earlier_closed(live_server, question_text: str) -> int:
    """A closed survey with one distinctive question, for the bank to find."""
    with live_server.app_context():
        author = db.session.scalar(
            sa.select(StaffUser).where(StaffUser.email == "browser-comms@example.nhs.uk")
        )
        survey = write_good_survey(db.session, author, utcnow(), title="Earlier pharmacy survey")
        authoring.save_question(
            survey,
            0,
            doc.question(
                "q9",
                "single_choice",
                question_text,
                why_we_ask="To plan opening hours.",
                options=["Weekday evenings", "Saturdays", "Sundays"],
            ),
            utcnow(),
        )
        survey.status = SurveyStatus.CLOSED
        db.session.commit()
        survey_id = survey.id
        db.session.remove()
    return survey_id


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_question_bank_search_and_add(staff_page, live_server, width):
    checker = staff_page(Role.COMMS, f"builder-bank-{width}")
    page = checker.page
    page.set_viewport_size(WIDTHS[width])
    wording = f"When do you most need a pharmacy open ({width})?"
    earlier_id = _earlier_closed(live_server, wording)
    survey_id = _draft(live_server, f"Pharmacy hours ({width})")
    checker.goto(f"/staff/surveys/{survey_id}")
    page.click("a:has-text('reuse one from an earlier survey'):has-text('on page 1')")
    checker.check()
    checker.no_horizontal_scroll()
    page.fill("#q", f"pharmacy open {width}")
    page.select_option("#type", "single_choice")
    page.click("button:has-text('Search the question bank')")
    checker.check()
    checker.no_horizontal_scroll()
    if width == "phone":
        keep_shot(page, "question-bank")
    card = page.locator(".app-question", has_text=wording)
    assert card.count() == 1
    results = card.locator("a:has-text('Past results for this question')")
    assert results.get_attribute("href") == f"/staff/surveys/{earlier_id}/results#question-q9"
    card.locator("button:has-text('Add to page 1')").click()
    page.wait_for_url(re.compile(rf".*/staff/surveys/{survey_id}#question-q4$"))
    checker.check()
    assert wording in page.inner_text("#question-q4")
    page.close()


def _personal_link(live_server, width: str) -> str:
    """A live survey with a grid and a ranking, and a member's personal link to it."""
    with live_server.app_context():
        survey = live_compound_survey(db.session, utcnow())
        member = make_member(db.session, email=f"grid-{width}@example.com")
        db.session.commit()
        token = PersonalLinks(live_server.config["SECRET_KEY"]).make(survey.id, member.id)
        db.session.remove()
    return f"/s/{token}"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_answering_a_grid_and_a_ranking(browser, live_server, width):
    # The fields are plain radios and selects checked by the server; JavaScript stays on only
    # because axe-core runs in the page.
    context = browser.new_context(viewport=WIDTHS[width], is_mobile=width == "phone")
    checker = PageChecker(context.new_page(), live_server.config["LIVE_URL"], f"grid-{width}")
    page = checker.page
    checker.goto(_personal_link(live_server, width))
    page.click("button:has-text('Start now')")
    checker.check()
    checker.no_horizontal_scroll()
    for row, answer in zip(("q1.1", "q1.2", "q1.3"), ("Good", "Poor", "Good"), strict=True):
        page.check(f"input[name='{row}'][value='{answer}']")
    for field, rank in zip(("q2.1", "q2.2", "q2.3", "q2.4"), "1132", strict=True):
        page.select_option(f"select[name='{field}']", rank)
    page.click("button:has-text('Save and continue')")
    checker.check()
    checker.no_horizontal_scroll()
    if width == "phone":
        keep_shot(page, "ranking-error")
    error = page.inner_text("#q-q2-error")
    assert "Give each answer a different rank: 1 is used more than once" in error
    assert page.is_checked("input[name='q1.2'][value='Poor']")  # nothing chosen is lost
    assert page.input_value("select[name='q2.4']") == "2"
    page.select_option("select[name='q2.2']", "4")
    page.click("button:has-text('Save and continue')")
    checker.check()
    page.click("button:has-text('Save and continue')")  # the optional grid, left blank
    page.wait_for_url(re.compile(r".*/check$"))
    checker.check()
    checker.no_horizontal_scroll()
    if width == "phone":
        keep_shot(page, "grid-ranking-check-answers")
    text = page.inner_text("main")
    assert "Parking: Good; Signs: Poor; Waiting room: Good" in text
    assert "1. Shorter waits; 2. Free parking; 3. Closer to home; 4. Evening clinics" in text
    context.close()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_grid_and_ranking_pages_fit_a_phone(browser, live_server, width):
    """The first page of the survey, as drawn for a phone, before anything is chosen."""
    context = browser.new_context(viewport=WIDTHS[width], is_mobile=width == "phone")
    checker = PageChecker(context.new_page(), live_server.config["LIVE_URL"], f"gridp-{width}")
    page = checker.page
    checker.goto(_personal_link(live_server, f"first-{width}"))
    page.click("button:has-text('Start now')")
    checker.check()
    checker.no_horizontal_scroll()
    if width == "phone":
        keep_shot(page, "grid-and-ranking")
    assert page.locator("#q-q1 fieldset").count() == 3
    assert page.locator("select[name^='q2.']").count() == 4
    context.close()


def test_a_grid_and_a_ranking_are_answered_with_javascript_off(browser, live_server):
    """The same journey with JavaScript off on a phone: plain radios and selects, checked by
    the server, carry it through the ranking error to check-your-answers. (axe needs
    JavaScript, so it runs on these pages in the tests above.)"""
    context = browser.new_context(
        viewport=WIDTHS["phone"], is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    base = live_server.config["LIVE_URL"]
    page.goto(base + _personal_link(live_server, "no-js"))
    page.click("button:has-text('Start now')")
    for row, answer in zip(("q1.1", "q1.2", "q1.3"), ("Good", "Poor", "Good"), strict=True):
        page.check(f"input[name='{row}'][value='{answer}']")
    for field, rank in zip(("q2.1", "q2.2", "q2.3", "q2.4"), "1132", strict=True):
        page.select_option(f"select[name='{field}']", rank)
    page.click("button:has-text('Save and continue')")
    assert "1 is used more than once" in page.inner_text("#q-q2-error")
    page.select_option("select[name='q2.2']", "4")
    page.click("button:has-text('Save and continue')")
    page.click("button:has-text('Save and continue')")
    page.wait_for_url(re.compile(r".*/check$"))
    text = page.inner_text("main")
    assert "Parking: Good; Signs: Poor; Waiting room: Good" in text
    assert "1. Shorter waits; 2. Free parking; 3. Closer to home; 4. Evening clinics" in text
    context.close()
