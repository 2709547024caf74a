"""Taking part on a phone in Chromium with axe-core: an invited member with branching and
resuming, and an open-link respondent who asks for a link to finish later."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from mailer.jobs import deliver_queued_emails
from panel.extensions import db
from panel.members.models import Member, MemberStatus
from surveys.fieldwork.invitations import create_open_link
from surveys.fieldwork.tokens import PersonalLinks
from tests.surveys.fieldwork_helpers import live_survey


def _survey_and_member(live_server):
    with live_server.app_context():
        survey, author = live_survey(db.session, datetime.now(UTC))
        member = db.session.scalar(
            sa.select(Member).where(Member.status == MemberStatus.ACTIVE).limit(1)
        )
        link = create_open_link(db.session, survey, author, "Library drop-in", datetime.now(UTC))
        db.session.commit()
        token = PersonalLinks(live_server.config["SECRET_KEY"]).make(survey.id, member.id)
        code = link.code
        db.session.remove()
    return token, code


def test_invited_member_answers_with_branching_and_resumes_on_a_phone(phone, live_server):
    token, _code = _survey_and_member(live_server)
    checker = phone("take-part")
    page = checker.page
    checker.goto(f"/s/{token}")
    checker.no_horizontal_scroll()
    page.click("button:has-text('Start now')")
    checker.check()
    page.click("button:has-text('Save and continue')")  # nothing chosen
    checker.check()
    assert "There is a problem" in page.inner_text("main")
    page.check("input[name=q1][value=Car]")
    page.click("button:has-text('Save and continue')")
    checker.check()
    assert "How easy was parking?" in page.inner_text("main")  # the follow-up appears
    page.check("input[name=q2][value=Easy]")
    page.click("button:has-text('Save and continue')")
    checker.check()
    assert "Page 2 of 3" in page.inner_text("main")  # the bus page is skipped
    # Leave and come back with the same link: the answers are kept and it carries on.
    checker.goto(f"/s/{token}")
    page.click("button:has-text('Carry on')")
    checker.check()
    page.fill("textarea[name=q4]", "A bus from the station")
    page.click("button:has-text('Save and continue')")
    checker.check()
    page.click("button:has-text('Save and continue')")  # equality questions are optional
    checker.check()
    assert "Check your answers" in page.inner_text("h1")
    page.click("button:has-text('Send my answers')")
    checker.check()
    assert "Thank you for taking part" in page.inner_text("main")
    checker.goto(f"/s/{token}")
    assert "You have already taken part" in page.inner_text("main")


def test_open_link_respondent_asks_for_a_link_by_keyboard(phone, live_server):
    _token, code = _survey_and_member(live_server)
    checker = phone("open-link")
    page = checker.page
    checker.goto(f"/o/{code}")
    page.keyboard.press("Tab")
    page.click("button:has-text('Start now')")
    checker.check()
    page.check("input[name=q1][value=Bus]")
    page.click("button:has-text('Save and continue')")
    checker.check()
    page.click("text=Finish later")
    page.fill("#email", "resident@example.com")
    page.click("button:has-text('Email me a link')")
    checker.check()
    with live_server.app_context():
        backend = live_server.extensions["mail_backend"]
        deliver_queued_emails(db.session, backend, datetime.now(UTC))
        db.session.remove()
        link = re.search(r"(/r/[\w-]+/page/1)", backend.messages[-1].text_body).group(1)
    checker.goto(link)
    assert page.is_checked("input[name=q1][value=Bus]")
