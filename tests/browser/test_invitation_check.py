"""The check before invitations go, in Chromium with axe-core at phone and desktop width: the
count, the places, the email in its frame and as plain text, and a test sent to oneself."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from panel.auth.models import Role
from panel.extensions import db
from surveys.models import AudienceKind, Survey, SurveyStatus

SHOTS = Path("/work/notes/shots")


def _live_panel_survey(live_server) -> int:
    with live_server.app_context():
        survey_id = db.session.scalar(
            sa.select(Survey.id)
            .where(Survey.status == SurveyStatus.LIVE, Survey.audience != AudienceKind.PUBLIC)
            .order_by(Survey.id)
        )
        db.session.remove()
    assert survey_id is not None, "the demo data has a live survey for the panel"
    return survey_id


def test_a_comms_officer_checks_the_invitation_and_sends_a_test(staff_page, live_server):
    survey_id = _live_panel_survey(live_server)
    checker = staff_page(Role.COMMS, "invitation-check")
    page = checker.page
    checker.goto(f"/staff/surveys/{survey_id}/fieldwork")
    page.click("text=Check and send invitations")
    page.wait_for_url(f"**/staff/surveys/{survey_id}/invite")
    checker.check()
    main = page.inner_text("main")
    assert "will get this email" in main or "No one would get this email now" in main
    frame = page.frame_locator("iframe.app-email-preview")
    assert "Hello Sam" in frame.locator("body").inner_text()
    assert frame.locator("a[href*='/s/example-personal-link']").count() >= 1
    assert "example-personal-link" in page.inner_text(".app-email-text")
    page.click("button:has-text('Send me a test')")
    page.wait_for_url(f"**/staff/surveys/{survey_id}/invite")
    checker.check()
    assert "A test invitation is on its way" in page.inner_text("main")
    page.set_viewport_size({"width": 320, "height": 800})
    checker.goto(f"/staff/surveys/{survey_id}/invite")
    checker.no_horizontal_scroll()
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "invitation-check-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
