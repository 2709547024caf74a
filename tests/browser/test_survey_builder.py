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
from surveys.models import SurveyStatus
from surveys.services import authoring
from tests.surveys.helpers import write_good_survey

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
