"""A resident joins on a phone, confirms by email and uses the member area; axe on every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.demo_resident import DEMO_OPEN_LINK_SOURCE
from mailer.jobs import deliver_queued_emails
from panel.email_requests import handle_email_requests
from panel.extensions import db
from panel.members.models import Member
from surveys.fieldwork.models import OpenLink


def _latest_email_link(live_server, pattern: str) -> str:
    with live_server.app_context():
        backend = live_server.extensions["mail_backend"]
        handle_email_requests(db.session, datetime.now(UTC))  # as the scheduler would
        db.session.commit()
        deliver_queued_emails(db.session, backend, datetime.now(UTC))
        db.session.remove()
        for message in reversed(backend.messages):
            found = re.search(pattern, message.text_body)
            if found:
                return found.group(1)
    raise AssertionError(f"no email matching {pattern}")


def test_resident_joins_confirms_and_manages_membership_on_a_phone(phone, live_server):
    checker = phone("join")
    page = checker.page
    checker.goto("/join")
    checker.no_horizontal_scroll()
    page.click("text=Start now")
    checker.check()
    page.click("button:has-text('Continue')")  # nothing filled in: errors, not a crash
    checker.check()
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.fill("#first_name", "Robin")
    page.fill("#last_name", "Hartley")
    page.fill("#email", "robin.hartley@example.com")
    page.fill("#postcode", "la9 4aa")
    page.click("button:has-text('Continue')")
    checker.check()
    assert "South Cumbria" in page.inner_text("main")
    checker.no_horizontal_scroll()
    page.click("button:has-text('Continue')")
    checker.check()
    page.check("input[name=age_band][value='55-64']")
    page.check("input[name=topics][value='ageing_well']")
    page.click("button:has-text('Continue')")
    checker.check()
    page.check("input[name=sex][value='female']")
    page.check("#consent")
    page.click("button:has-text('Continue')")
    checker.check()
    assert "Check your answers" in page.inner_text("h1")
    page.check("input[name=tracking_consent][value='no']")
    page.check("#agree")
    page.click("button:has-text('Join the panel')")
    checker.check()
    assert "Check your email" in page.inner_text("h1")

    checker.goto(_latest_email_link(live_server, r"http://panel\.test(/join/confirm/\S+)"))
    page.click("button:has-text('Confirm I want to join')")
    checker.check()
    assert "Welcome to the citizens' panel" in page.inner_text("main")
    for path in [
        "/my-panel/",
        "/my-panel/details",
        "/my-panel/equality",
        "/my-panel/pause",
        "/my-panel/emails",
        "/my-panel/your-data",
        "/my-panel/leave",
    ]:
        checker.goto(path)
        checker.no_horizontal_scroll()
    checker.goto("/my-panel/pause")
    page.check("input[name=months][value='3']")
    page.click("button:has-text('Save')")
    checker.check()
    assert "Paused until" in page.inner_text("main")


def test_member_signs_in_by_magic_link_and_leaves_by_keyboard(phone, live_server):
    checker = phone("member")
    page = checker.page
    checker.goto("/my-panel/sign-in")
    with live_server.app_context():
        from tests.factories import make_member

        make_member(db.session, email="leaving.member@example.com")
        db.session.commit()
        db.session.remove()
    page.fill("#email", "leaving.member@example.com")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Check your email')")
    checker.check()
    checker.goto(
        _latest_email_link(live_server, r"http://panel\.test(/my-panel/link/\S+)").replace(
            "http://panel.test", ""
        )
    )
    page.click("button:has-text('Go to your member area')")
    checker.check()
    assert "Your member area" in page.inner_text("h1")
    checker.goto("/my-panel/leave")
    page.focus("#leave")  # "Yes, leave the panel"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('You have left the panel')")
    checker.check()


def test_unsubscribe_page_passes_axe(phone, live_server):
    from panel.members.services.links import unsubscribe_token
    from tests.factories import make_member

    with live_server.test_request_context():
        member = make_member(db.session, email="unsub.page@example.com")
        db.session.commit()
        token = unsubscribe_token(member)
        db.session.remove()
    checker = phone("unsubscribe")
    checker.goto(f"/unsubscribe/{token}")
    checker.page.click("button:has-text('Unsubscribe')")
    checker.check()
    assert "You have unsubscribed" in checker.page.inner_text("h1")


def test_comms_team_reads_a_re_consent_campaign_and_a_member_confirms_on_a_phone(
    staff_page, phone, live_server
):
    import sqlalchemy as sa

    from panel.auth.models import Role
    from panel.reconsent.links import request_token
    from panel.reconsent.models import CampaignStatus, Outcome, ReconsentCampaign, ReconsentRequest

    with live_server.test_request_context():
        campaigns = {c.status: c.id for c in db.session.scalars(sa.select(ReconsentCampaign))}
        asked = db.session.scalars(
            sa.select(ReconsentRequest).where(ReconsentRequest.outcome == Outcome.ASKED)
        ).first()
        token = request_token(asked)
        db.session.remove()
    staff = staff_page(Role.COMMS, "reconsent")
    staff.goto(f"/staff/consent/{campaigns[CampaignStatus.DRAFT]}")
    assert "will get this email" in staff.page.inner_text("main")
    staff.goto(f"/staff/consent/{campaigns[CampaignStatus.SENT]}")
    assert "Answers by place" in staff.page.inner_text("main")

    member = phone("reconsent")
    member.goto(f"/consent/{token}")
    member.no_horizontal_scroll()
    member.page.check("input[name=answer][value='confirm']")
    member.page.click("button:has-text('Send my answer')")
    member.check()
    assert "You confirmed your consent" in member.page.inner_text("main")


def test_resident_joins_in_urdu_and_reads_a_survey_and_results_in_polish_and_urdu(
    phone, live_server
):
    """Issue 23: the join journey right to left in Urdu, then an open survey's pages and a
    public results page in Polish and in Urdu, at 320 px with no sideways scrolling; axe and a
    screenshot on every page."""
    checker = phone("languages")
    page = checker.page
    checker.goto("/join?lang=ur")
    assert page.get_attribute("html", "lang") == "ur"
    assert page.get_attribute("html", "dir") == "rtl"
    checker.no_horizontal_scroll()
    page.click("a.nhsuk-button")  # ابھی شروع کریں (Start now)
    checker.check()
    page.fill("#first_name", "Nadia")
    page.fill("#last_name", "Qureshi")
    page.fill("#email", "nadia.qureshi@example.com")
    page.fill("#postcode", "la9 4aa")
    page.click("button:has-text('جاری رکھیں')")
    checker.check()
    checker.no_horizontal_scroll()
    page.click("button:has-text('جاری رکھیں')")
    page.check("input[name=age_band][value='35-44']")
    page.check("input[name=topics][value='maternity']")
    checker.no_horizontal_scroll()
    page.click("button:has-text('جاری رکھیں')")
    checker.check()
    page.click("button:has-text('یہ حصہ چھوڑ دیں')")  # skip equality monitoring
    assert page.inner_text("h1") == "اپنے جوابات چیک کریں"
    page.check("input[name=tracking_consent][value='no']")
    page.check("#agree")
    checker.no_horizontal_scroll()
    page.click("button:has-text('پینل میں شامل ہوں')")
    checker.check()
    assert page.inner_text("h1") == "اپنی ای میل دیکھیں"
    checker.goto(_latest_email_link(live_server, r"http://panel\.test(/join/confirm/\S+)"))
    page.click("form button[type=submit]")
    checker.check()
    assert "سٹیزنز پینل میں خوش آمدید" in page.inner_text("main")
    with live_server.app_context():
        language = db.session.scalar(
            sa.select(Member.language).where(Member.email == "nadia.qureshi@example.com")
        )
        code = db.session.scalar(
            sa.select(OpenLink.code).where(OpenLink.source == DEMO_OPEN_LINK_SOURCE)
        )
        db.session.remove()
    assert language == "ur"

    # An open survey in Polish, then its first page in Urdu (radios drawn on the right).
    checker.goto(f"/o/{code}?lang=pl")
    assert page.get_attribute("html", "lang") == "pl"
    page.click("button:has-text('Rozpocznij teraz')")
    page.wait_for_url(re.compile(r".*/r/[^/]+/page/1$"))
    checker.check()
    checker.no_horizontal_scroll()
    assert "Zapisz i kontynuuj" in page.inner_text("main")
    checker.goto(urlsplit(page.url).path + "?lang=ur")
    checker.no_horizontal_scroll()
    assert page.get_attribute("html", "dir") == "rtl"
    assert "محفوظ کریں اور جاری رکھیں" in page.inner_text("main")

    # A public results page ("you said, we did") in Polish and in Urdu.
    checker.goto("/engagement/?lang=pl")
    page.click("text=Pharmacy opening hours")
    checker.check()
    checker.no_horizontal_scroll()
    assert "O co pytaliśmy i dlaczego" in page.inner_text("main")
    checker.goto(urlsplit(page.url).path + "?lang=ur")
    checker.no_horizontal_scroll()
    assert "ہم نے کیا پوچھا اور کیوں" in page.inner_text("main")
