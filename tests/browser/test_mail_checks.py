"""The checks before invitations, a reminder, a bulletin, a decision's results email and a
resend, in Chromium with axe-core on every page: each count shown is the number of people the
fake SendGrid then receives the email for."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailer.backends import backend_from_config, batch_sender_from_config
from mailer.bulletins.services.send import dispatch_due_bulletins
from mailer.jobs import deliver_queued_emails_job
from mailer.models import OutboundEmail
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from surveys.fieldwork import invitations
from surveys.models import AudienceKind, Survey, SurveyStatus
from tests.fakes.fake_sendgrid import FakeSendGrid

SHOTS = Path("/work/notes/shots")


@pytest.fixture
def fake_sendgrid(live_server):
    """The live server's mail goes to a fake SendGrid for this test, then back to memory."""
    with FakeSendGrid() as fake:
        config = {
            **live_server.config,
            **fake.app_config(),
        }
        saved = dict(live_server.extensions)
        backend = backend_from_config(config)
        live_server.extensions["mail_backend"] = backend
        live_server.extensions["bulletin_sender"] = batch_sender_from_config(config, backend)
        yield fake
        for key in ("mail_backend", "bulletin_sender"):
            live_server.extensions.pop(key, None)
            if key in saved:
                live_server.extensions[key] = saved[key]


def _run_scheduler(live_server) -> None:
    """The scheduler's steps: queue invitations, deliver the queue, send due bulletins."""
    with live_server.app_context():
        now = utcnow() + timedelta(seconds=1)
        while invitations.send_invitation_emails(db.session, now):  # 500 at a time
            db.session.commit()
        db.session.commit()
        while deliver_queued_emails_job(db.session, now):  # 200 at a time, oldest first
            db.session.commit()
        dispatch_due_bulletins(db.session, now)
        db.session.commit()
        db.session.remove()


def _shown(page) -> tuple[int, str]:
    main = page.inner_text("main")
    count = int(
        re.search(r"([\d,]+) (?:people|person) will get this email", main)[1].replace(",", "")
    )
    subject = page.inner_text(".nhsuk-summary-list__value >> nth=-1")
    return count, subject


def _received(fake, subject: str) -> set[str]:
    return {message.to_email for message in fake.accepted if message.subject == subject}


def _received_feedback(fake, live_server) -> set[str]:
    """Who got a decision email, matched by the queued emails' ids: members who chose Polish
    or Urdu get its subject in their language, so the English subject alone misses them."""
    with live_server.app_context():
        ids = {
            str(email_id)
            for email_id in db.session.scalars(
                sa.select(OutboundEmail.id).where(
                    OutboundEmail.idempotency_key.like("survey-feedback:%:decision-%")
                )
            )
        }
        db.session.remove()
    return {m.to_email for m in fake.accepted if m.custom_args.get("outbound_email_id") in ids}


def test_reminder_and_bulletin_checks_send_to_exactly_the_people_shown(
    staff_page, live_server, fake_sendgrid
):
    with live_server.app_context():
        survey_id = db.session.scalar(
            sa.select(Survey.id)
            .where(Survey.status == SurveyStatus.LIVE, Survey.audience != AudienceKind.PUBLIC)
            .order_by(Survey.id)
        )
        db.session.remove()
    checker = staff_page(Role.COMMS, "mail-checks")
    page = checker.page
    checker.goto(f"/staff/surveys/{survey_id}/fieldwork")
    page.click("text=Check and send invitations")
    checker.check()
    count, subject = _shown(page)
    assert count > 1
    page.click(f"button:has-text('Send {count:,} invitations')")
    checker.check()
    _run_scheduler(live_server)  # the invitations go, so there is someone to remind
    assert len(_received(fake_sendgrid, subject)) == count

    checker.goto(f"/staff/surveys/{survey_id}/fieldwork")
    page.click("text=Check and send a reminder")
    page.wait_for_url(f"**/staff/surveys/{survey_id}/remind")
    checker.check()
    count, subject = _shown(page)
    assert count > 1 and "Who will get it, by place" in page.inner_text("main")
    assert "example-personal-link" in page.inner_text(".app-email-text")
    page.click("button:has-text('Send me a test to browser-comms@example.nhs.uk')")
    checker.check()
    assert "A test reminder is on its way" in page.inner_text("main")
    _run_scheduler(live_server)
    assert _received(fake_sendgrid, subject) == {"browser-comms@example.nhs.uk"}
    fake_sendgrid.reset()
    page.click(f"button:has-text('Send {count:,} reminder')")
    checker.check()
    assert f"{count:,} reminders are on their way" in page.inner_text("main")
    _run_scheduler(live_server)
    received = _received(fake_sendgrid, subject)
    assert len(received) == count and "browser-comms@example.nhs.uk" not in received

    checker.goto("/staff/bulletins/")
    page.fill("#title", "Check page bulletin")
    page.click("button:has-text('Create and start writing')")
    page.wait_for_url(re.compile(r".*/edit$"))
    checker.check()
    bulletin_path = page.url.rsplit("/edit", 1)[0].split(checker.base_url, 1)[1]
    checker.goto(f"{bulletin_path}/schedule")
    page.check("input[name=when][value=now]")
    page.click("button:has-text('Schedule')")
    page.wait_for_url(re.compile(r".*/send/check\?at=now$"))
    checker.check()
    count, subject = _shown(page)
    assert count > 1 and subject == "Check page bulletin"
    frame = page.frame_locator("iframe.app-email-preview")
    assert "Sam" in frame.locator("body").inner_text()
    page.set_viewport_size({"width": 320, "height": 800})
    checker.goto(f"{bulletin_path}/send/check?at=now")  # the header lays out for the width
    checker.no_horizontal_scroll()
    page.frame_locator("iframe.app-email-preview").locator("text=Hello Sam").wait_for()
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "bulletin-check-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click(f"button:has-text('Send now to {count:,} people')")
    checker.check()
    assert f"Scheduled: {count:,} people will get it" in page.inner_text("main")
    _run_scheduler(live_server)
    assert len(_received(fake_sendgrid, subject)) == count

    checker.goto("/staff/")  # a decision added once the results are public
    page.click("text=Pharmacy opening hours")
    page.click("text=Write the public results page")
    checker.check()
    page.fill("#you_said", "Saturday afternoons matter too.")
    page.check("input[name=outcome] >> nth=0")
    page.fill("#action", "Four pharmacies will open on Saturday afternoons.")
    page.fill("#decided_on", utcnow().date().isoformat())
    page.click("button:has-text('Add the decision')")
    checker.check()
    assert "Check and send the email" in page.inner_text("main")
    page.click("text=Check and tell the people who took part")
    checker.check()
    count, subject = _shown(page)
    assert count > 1 and subject == "What we did: Pharmacy opening hours"
    page.click(f"button:has-text('Email {count:,} people')")
    checker.check()
    assert f"{count:,} people who took part are being told" in page.inner_text("main")
    _run_scheduler(live_server)
    told = _received_feedback(fake_sendgrid, live_server)
    assert len(told) == count
    assert _received(fake_sendgrid, subject) < told  # some in Polish or Urdu

    checker.goto("/staff/bulletins/")  # a sent bulletin whose last batch SendGrid never answered
    page.click("text=Citizens' Panel news: November 2026")
    checker.check()
    page.click("text=Check and resend these 3")
    checker.check()
    assert "Check before you send it again" in page.inner_text("main")
    count, subject = _shown(page)
    # the three whose batch was lost, less any who since left or may no longer be emailed
    assert 1 <= count <= 3
    fake_sendgrid.reset()
    page.click(f"button:has-text('Send again to {count} {'person' if count == 1 else 'people'}')")
    checker.check()
    _run_scheduler(live_server)
    assert len(_received(fake_sendgrid, subject)) == count
