"""Re-consent pages: the comms team's campaign pages, the member's answer page from the emailed
link (bad, used and closed links get a kind page), the member area's prompt and the staff
record's history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import sqlalchemy as sa

from panel.auth.models import Role
from panel.members.services.signing_in import start_member_session
from panel.members.views_support import MEMBER_SESSION_KEY
from panel.reconsent import campaigns
from panel.reconsent.links import request_token
from panel.reconsent.models import Outcome, ReconsentRequest
from tests.factories import make_staff
from tests.panel.test_reconsent import panel_member


def _sent_campaign(session, members):
    now = datetime.now(UTC)
    comms = make_staff(session, Role.COMMS)
    campaign = campaigns.plan_campaign(
        session, comms, (now + timedelta(days=30)).date(), "Europe/London", now
    )
    check = campaigns.check_campaign(session, campaign, now)
    campaigns.send_campaign(session, campaign, comms, now, check.mail.fingerprint)
    session.commit()
    by_member = {r.member_id: r for r in session.scalars(sa.select(ReconsentRequest))}
    return comms, campaign, [by_member[m.id] for m in members]


def test_the_comms_team_plans_checks_sends_and_follows_a_campaign(
    client, session, login_as, outbox
):
    now = datetime.now(UTC)
    for _ in range(2):
        panel_member(session, now, privacy="membership-2025-01")
    panel_member(session, now, wording="equality-2020-01", place_code="lancashire")
    comms = login_as(make_staff(session, Role.COMMS))
    session.commit()

    index = client.get("/staff/consent/")
    assert index.status_code == 200 and "The privacy notice changed" in index.text
    too_soon = (now + timedelta(days=3)).date().isoformat()
    refused = client.post("/staff/consent/", data={"deadline": too_soon})
    assert refused.status_code == 400 and "at least 14 days" in refused.text
    day = (now + timedelta(days=30)).date().isoformat()
    planned = client.post("/staff/consent/", data={"deadline": day})
    assert planned.status_code == 302
    check = client.get(planned.location)
    assert "3 people will get this email" in check.text
    assert "membership-2025-01" in check.text and "equality-2020-01" in check.text
    frame = client.get(planned.location + "/email.html")
    assert "Read it and answer" in frame.text
    expected = re.search(r'name="expected" value="([^"]+)"', check.text)[1]
    sent = client.post(planned.location + "/send", data={"expected": unescape(expected)})
    assert sent.status_code == 302
    figures = client.get(planned.location)
    assert re.search(r'id="due-for-deletion">If nothing changes, 1 member', figures.text)
    emails = [m for m in outbox() if m.to_email != comms.email]
    assert len(emails) == 3 and all("/consent/" in m.text_body for m in emails)


def test_the_answer_link_confirms_once_and_bad_used_or_closed_links_get_a_kind_page(
    client, session
):
    now = datetime.now(UTC)
    first, second = (panel_member(session, now, wording="equality-2020-01") for _ in range(2))
    _comms, campaign, (asked, other) = _sent_campaign(session, [first, second])
    link = f"/consent/{request_token(asked)}"

    page = client.get(link)
    assert page.status_code == 200 and "equality-2020-01" in page.text
    nothing_chosen = client.post(link, data={})
    assert nothing_chosen.status_code == 400 and "Choose yes or no" in nothing_chosen.text
    done = client.post(link, data={"answer": "confirm"})
    assert done.status_code == 200 and "You confirmed your consent" in done.text
    replayed = client.post(link, data={"answer": "decline"})
    assert "You have already answered" in replayed.text
    session.refresh(asked)
    assert asked.outcome is Outcome.CONFIRMED and first.equality is not None

    bad = client.get(link[:-3] + "xyz")
    assert bad.status_code == 404 and "This link does not work" in bad.text
    campaign.deadline = now - timedelta(minutes=1)
    session.commit()
    closed = client.get(f"/consent/{request_token(other)}")
    assert closed.status_code == 410 and "This question has closed" in closed.text


def test_the_member_area_asks_too_and_the_staff_record_shows_the_steps(client, session, login_as):
    now = datetime.now(UTC)
    member = panel_member(session, now, wording="equality-2020-01")
    _comms, _campaign, (asked,) = _sent_campaign(session, [member])
    token = start_member_session(session, member, now)
    session.commit()
    with client.session_transaction() as browser:
        browser[MEMBER_SESSION_KEY] = token

    home = client.get("/my-panel/")
    assert "Please confirm your consent" in home.text and "/my-panel/consent" in home.text
    page = client.get("/my-panel/consent")
    assert page.status_code == 200 and "equality-2020-01" in page.text
    declined = client.post("/my-panel/consent", data={"answer": "decline"})
    assert "We have deleted your equality monitoring answers" in declined.text
    session.refresh(member)
    assert member.equality is None
    assert "Please confirm your consent" not in client.get("/my-panel/").text
    assert "Declined: equality answers deleted" in client.get("/my-panel/your-data").text

    login_as(make_staff(session, Role.COMMS))
    record = client.get(f"/staff/members/{member.id}")
    assert "Requests to confirm consent" in record.text and "Declined" in record.text
