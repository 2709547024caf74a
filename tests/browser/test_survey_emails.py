"""A comms officer rewords a survey's invitation, reminder and results email in Chromium, with
axe-core on every page: a placeholder that does not exist is a message next to the message
field, a saved email comes back with the guidance checker's advice and shown as it will arrive
(the personal link and unsubscribe link still there), and "go back to the standard wording" does."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from panel.auth.models import Role
from panel.extensions import db
from surveys.emails.models import SurveyEmail
from surveys.models import AudienceKind, Survey, SurveyStatus

SHOTS = Path("/work/notes/shots")
EMAILS = (
    ("invitation", "Invitation", "Hello {first_name}, your say on {survey_title}"),
    ("reminder", "Reminder", "Still time, {first_name}"),
    ("feedback", "Results email", "What you told us about {survey_title}"),
)


def _live_panel_survey(live_server) -> int:
    with live_server.app_context():
        survey = db.session.scalars(
            sa.select(Survey)
            .where(Survey.status == SurveyStatus.LIVE, Survey.audience != AudienceKind.PUBLIC)
            .order_by(Survey.id.desc())
        ).first()
        found = survey.id if survey else None
        db.session.remove()
    assert found is not None, "the demo data has a live survey for the panel"
    return found


def test_a_comms_officer_rewords_each_survey_email(staff_page, live_server):
    survey_id = _live_panel_survey(live_server)
    checker = staff_page(Role.COMMS, "survey-emails")
    page = checker.page
    page.set_viewport_size({"width": 320, "height": 800})
    checker.goto(f"/staff/surveys/{survey_id}/emails")
    checker.no_horizontal_scroll()
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "survey-emails-phone.png"), full_page=True)
    try:
        for kind, label, subject in EMAILS:
            checker.goto(f"/staff/surveys/{survey_id}/emails/{kind}")
            save = f"button:has-text('Save the {label.lower()}')"
            if kind == "invitation":
                page.fill("#body", "Dear {name},\n\nWe would love to hear from you.")
                page.click(save)
                checker.check()
                summary = page.inner_text(".nhsuk-error-summary")
                assert "is not a placeholder this email can use" in summary
                assert "{name}" in page.input_value("#body")  # what was typed is kept
            page.fill("#subject", subject)
            page.fill(
                "#body",
                "Dear {first_name},\n\nOur MSK pathway team wants to hear from you.\n"
                "It only takes a few minutes.",
            )
            page.click(save)
            page.wait_for_url(f"**/emails/{kind}")
            checker.check()
            main = page.inner_text("main")
            assert f"{label} saved" in main and "Guidance on the message saved" in main
            frame = page.frame_locator("iframe.app-email-preview").locator("body")
            assert "Our MSK pathway team wants to hear from you." in frame.inner_text()
            assert frame.locator("a[href*='/unsubscribe/']").count() == 1
            assert "Dear Sam," in page.inner_text(".app-email-text")
            if kind != "feedback":
                assert frame.locator("a[href*='/s/example-personal-link']").count() == 1
            if kind == "invitation":
                checker.no_horizontal_scroll()  # the invitation is edited on a phone
                if SHOTS.is_dir():
                    page.screenshot(path=str(SHOTS / "survey-email-edit-phone.png"), full_page=True)
                page.set_viewport_size({"width": 1280, "height": 900})
        page.click("button:has-text('Go back to the standard wording')")
        page.wait_for_url("**/emails/feedback")
        checker.check()
        assert "Results email is back to the default wording" in page.inner_text("main")
        assert page.input_value("#subject").startswith("You said, we did:")
    finally:
        with live_server.app_context():  # the other browser tests see the standard wording
            db.session.execute(sa.delete(SurveyEmail).where(SurveyEmail.survey_id == survey_id))
            db.session.commit()
            db.session.remove()
