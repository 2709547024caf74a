"""Reviewers are told when a survey waits for their sign-off: exactly the colleagues who may
approve it get an email (through the mail transport) and see it on their staff home page; the
author, observers, disabled accounts and other places' teams do not."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.auth.models import Role
from surveys.services import lifecycle, sign_off
from tests.factories import make_staff, place
from tests.surveys.helpers import write_good_survey


def _team(session):
    blackpool, fylde = place(session, "blackpool"), place(session, "south-cumbria")
    return {
        "author": make_staff(session, Role.PLACE, [blackpool], name="Ann Author"),
        "comms": make_staff(session, Role.COMMS, name="Cath Comms"),
        "same_place": make_staff(session, Role.PLACE, [blackpool], name="Pat Place"),
        "other_place": make_staff(session, Role.PLACE, [fylde], name="Olly Other"),
        "observer": make_staff(session, Role.OBSERVER, name="Obi Observer"),
        "disabled": make_staff(session, Role.COMMS, name="Dee Disabled", is_enabled=False),
    }, blackpool


def _recipients(session) -> set[str]:
    return set(
        session.scalars(
            sa.select(OutboundEmail.to_email).where(OutboundEmail.kind == "survey_review_request")
        )
    )


def test_submitting_emails_exactly_the_eligible_reviewers(session, now):
    team, blackpool = _team(session)
    survey = write_good_survey(session, team["author"], now, place_id=blackpool.id)
    lifecycle.submit_for_review(session, survey, team["author"], now)
    assert _recipients(session) == {team["comms"].email, team["same_place"].email}


def test_an_icb_wide_survey_goes_to_the_comms_team_only(session, now):
    team, _blackpool = _team(session)
    author = make_staff(session, Role.COMMS, name="Cara Comms")
    survey = write_good_survey(session, author, now)
    lifecycle.submit_for_review(session, survey, author, now)
    assert _recipients(session) == {team["comms"].email}


def test_the_email_says_which_survey_and_links_to_it(session, now, outbox):
    team, blackpool = _team(session)
    survey = write_good_survey(session, team["author"], now, place_id=blackpool.id)
    lifecycle.submit_for_review(session, survey, team["author"], now)
    session.commit()
    messages = [m for m in outbox() if m.to_email == team["comms"].email]
    assert len(messages) == 1
    assert messages[0].subject == "A survey is waiting for your sign-off"
    assert "Ann Author" in messages[0].text_body and survey.title in messages[0].text_body
    assert f"/staff/surveys/{survey.id}" in messages[0].text_body


def test_sending_back_and_resubmitting_tells_the_reviewers_again(session, now):
    team, blackpool = _team(session)
    survey = write_good_survey(session, team["author"], now, place_id=blackpool.id)
    lifecycle.submit_for_review(session, survey, team["author"], now)
    lifecycle.return_to_draft(session, survey, team["comms"], now)
    later = now.replace(hour=now.hour + 1)
    lifecycle.submit_for_review(session, survey, team["author"], later)
    count = session.scalar(
        sa.select(sa.func.count(OutboundEmail.id)).where(
            OutboundEmail.to_email == team["comms"].email
        )
    )
    assert count == 2


def test_waiting_list_holds_the_survey_for_reviewers_only(session, now):
    team, blackpool = _team(session)
    survey = write_good_survey(session, team["author"], now, place_id=blackpool.id)
    assert sign_off.waiting_for_sign_off(session, team["comms"]) == []
    lifecycle.submit_for_review(session, survey, team["author"], now)
    waiting = {name: sign_off.waiting_for_sign_off(session, user) for name, user in team.items()}
    assert {name for name, surveys in waiting.items() if surveys} == {"comms", "same_place"}
    lifecycle.approve(session, survey, team["comms"], now)
    assert sign_off.waiting_for_sign_off(session, team["same_place"]) == []


def test_staff_home_shows_the_count_and_the_survey(session, client, login_as, now):
    team, blackpool = _team(session)
    survey = write_good_survey(session, team["author"], now, place_id=blackpool.id)
    lifecycle.submit_for_review(session, survey, team["author"], now)
    session.commit()
    login_as(team["same_place"])
    page = client.get("/staff/").text
    assert "Waiting for your sign-off" in page and f"/staff/surveys/{survey.id}" in page
    login_as(team["author"])
    assert "Waiting for your sign-off" not in client.get("/staff/").text


def test_submitting_through_the_page_queues_the_emails(session, client, login_as, now):
    team, blackpool = _team(session)
    survey = write_good_survey(session, team["author"], now, place_id=blackpool.id)
    session.commit()
    login_as(team["author"])
    response = client.post(f"/staff/surveys/{survey.id}/status", data={"action": "submit"})
    assert response.status_code == 302
    assert _recipients(session) == {team["comms"].email, team["same_place"].email}
