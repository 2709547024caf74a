"""The privacy line on a survey's start page says what really happens to the answers: each
claim is checked against the rows the journey leaves behind."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mailer.jobs import SENT_BODY_RETENTION, deliver_queued_emails, purge_sent_email_bodies
from mailer.models import OutboundEmail
from panel.segments.models import MemberContact
from surveys.fieldwork import invitations
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse
from surveys.fieldwork.my_surveys import my_surveys
from surveys.fieldwork.tokens import PersonalLinks
from tests.factories import make_member
from tests.panel.test_member_area import _sign_in
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


def _privacy_line(html: str) -> str:
    found = re.search(r'<li id="privacy-line">(.*?)</li>', html, re.S)
    assert found, "the start page has no privacy line"
    return re.sub(r"\s+", " ", found.group(1))


def test_open_link_answers_from_a_signed_in_member_are_not_linked_to_them(
    app, session, client, outbox, real_now
):
    survey, author = live_survey(session, real_now)
    link = invitations.create_open_link(session, survey, author, "Healthwatch Blackpool", real_now)
    member = make_member(session)
    session.commit()
    _sign_in(client, member, outbox)  # signed in to the member area in this browser

    line = _privacy_line(client.get(f"/o/{link.code}").text)
    assert "not linked to a panel membership" in line and "even if you are a panel member" in line
    assert "Healthwatch Blackpool" in line

    page_one = client.post(f"/o/{link.code}").location
    token = page_one.split("/")[2]
    client.post(page_one, data={"q1": "Walking"})
    client.post(f"/r/{token}/page/3", data={})
    client.post(f"/r/{token}/check")

    response = session.scalars(sa.select(SurveyResponse)).one()
    assert response.status is ResponseStatus.SUBMITTED
    # What the line promises: nothing leads from these answers to the member.
    assert response.invitation_id is None and response.source == "Healthwatch Blackpool"
    assert session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    assert session.scalars(sa.select(MemberContact)).all() == []
    assert (response.place_id, response.age_band, response.equality) == (None, "", {})
    assert my_surveys(session, member, real_now).finished == []


def test_a_resume_email_address_is_deleted_when_the_line_says(app, session, client, real_now):
    survey, author = live_survey(session, real_now)
    link = invitations.create_open_link(session, survey, author, "Library", real_now)
    session.execute(sa.delete(OutboundEmail))  # the reviewers' sign-off requests: not this test's
    session.commit()
    line = _privacy_line(client.get(f"/o/{link.code}").text)
    days = int(re.search(r"for (\d+) days after sending it, then delete both", line).group(1))
    assert days == SENT_BODY_RETENTION.days

    token = client.post(f"/o/{link.code}").location.split("/")[2]
    hint = client.get(f"/r/{token}/page/1").text  # the resume form's hint says the same
    assert f"We keep that email for {days} days after sending" in hint
    client.post(f"/r/{token}/resume-link", data={"email": "resident@example.com"})
    backend = app.extensions["mail_backend"]
    deliver_queued_emails(session, backend, real_now)
    session.commit()
    assert purge_sent_email_bodies(session, real_now + timedelta(days=days, minutes=1)) == 1
    email = session.scalars(sa.select(OutboundEmail)).one()
    assert email.to_email == "(removed)" and token not in email.text_body


def _personal(app, survey, member) -> str:
    return "/s/" + PersonalLinks(app.config["SECRET_KEY"]).make(survey.id, member.id)


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_personal_link_line_matches_what_closing_does(app, session, client, real_now, anonymous):
    survey, _ = live_survey(session, real_now, anonymous=anonymous)
    member = make_member(session)
    session.commit()
    start = _personal(app, survey, member)
    line = _privacy_line(client.get(start).text)
    client.post(start)
    client.post(f"{start}/page/1", data={"q1": "Walking"})
    client.post(f"{start}/page/3", data={})
    client.post(f"{start}/check")
    invitations.close_survey(session, survey, None, datetime.now(UTC))
    session.commit()
    linked = session.scalar(sa.select(SurveyResponse.invitation_id)) is not None
    if anonymous:
        assert "when it closes we remove that link" in line and not linked
    else:
        assert "linked to your panel membership" in line and linked
