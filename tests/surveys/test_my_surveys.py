"""A member's "My surveys": open ones with honest progress and a resume button, finished ones,
and the published "you said, we did" for each one they took part in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from surveys.fieldwork import answering, invitations
from surveys.fieldwork.answers import save_page
from surveys.fieldwork.models import Invitation
from surveys.fieldwork.my_surveys import my_surveys
from surveys.models import ResultsPage
from tests.factories import make_member
from tests.panel.test_member_area import _sign_in
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


def _part_done(session, survey, member, now, travel="Walking"):
    """Page 1 answered; "Walking" leaves out page 2 (bus stops), so 3 of the 4 pages apply."""
    response = answering.start_personal(session, survey, member.id, now)
    result = save_page(session, survey, response, 0, {"q1": [travel], "q2": ["Easy"]}, now)
    assert not result.errors
    return response


def test_an_open_survey_shows_pages_done_of_the_pages_that_apply(session, real_now):
    survey, _ = live_survey(session, real_now)
    member, stranger = make_member(session), make_member(session)
    _part_done(session, survey, member, real_now)

    mine = my_surveys(session, member, real_now)
    assert [(s.survey.id, s.started, s.pages_done, s.pages_total) for s in mine.open] == [
        (survey.id, True, 1, 3)
    ]
    assert mine.open[0].pages_may_change  # page 2 only shows for "Bus"
    assert mine.finished == []
    assert my_surveys(session, stranger, real_now).open == []


def test_a_bus_answer_brings_in_page_two_and_the_total_follows(session, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    _part_done(session, survey, member, real_now, travel="Bus")
    (item,) = my_surveys(session, member, real_now).open
    assert (item.pages_done, item.pages_total) == (1, 4)


def test_an_invitation_not_yet_used_is_listed_as_not_started(session, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    session.add(Invitation(survey_id=survey.id, member_id=member.id, invited_at=real_now))
    session.flush()
    (item,) = my_surveys(session, member, real_now).open
    assert (item.started, item.pages_done, item.pages_total) == (False, None, 3)


def test_a_finished_survey_stays_finished_after_an_anonymous_close_and_gains_its_results(
    session, real_now
):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    response = _part_done(session, survey, member, real_now)
    save_page(session, survey, response, 2, {}, real_now)
    assert answering.submit(session, survey, response, real_now)
    session.flush()

    (item,) = my_surveys(session, member, real_now).finished
    assert (item.survey.id, item.can_change, item.results_published) == (survey.id, True, False)
    assert my_surveys(session, member, real_now).open == []

    later = real_now + timedelta(days=41)
    invitations.close_survey(session, survey, None, later)
    session.flush()
    session.refresh(response)
    assert response.invitation_id is None  # anonymous: the answers no longer lead to the member
    (item,) = my_surveys(session, member, later).finished
    assert (item.can_change, item.results_published) == (False, False)

    session.add(ResultsPage(survey_id=survey.id, published_at=later))
    session.flush()
    (item,) = my_surveys(session, member, later).finished
    assert item.results_published


def test_my_surveys_page_resumes_where_the_member_left_off(app, client, session, outbox, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    _part_done(session, survey, member, real_now)
    session.commit()
    _sign_in(client, member, outbox)

    page = client.get("/my-panel/surveys/")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "1 of 3 pages done" in text and "Carry on" in text
    action = re.search(r'<form method="post" action="(/s/[^"]+)"', page.text).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    csrf = csrf or re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    resumed = client.post(action, data={"csrf_token": csrf.group(1) if csrf else ""})
    assert resumed.status_code == 302
    assert resumed.headers["Location"].endswith("/page/3")  # page 2 does not apply


def test_my_surveys_links_to_published_results(client, session, outbox, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    response = _part_done(session, survey, member, real_now)
    save_page(session, survey, response, 2, {}, real_now)
    answering.submit(session, survey, response, real_now)
    session.add(ResultsPage(survey_id=survey.id, published_at=real_now))
    session.commit()
    _sign_in(client, member, outbox)
    text = client.get("/my-panel/surveys/").text
    assert f'href="/engagement/{survey.id}"' in text
    assert "Look at or change your answers" in text


def test_my_surveys_needs_a_signed_in_member(client):
    response = client.get("/my-panel/surveys/")
    assert response.status_code == 302 and "/my-panel/sign-in" in response.headers["Location"]


def test_a_survey_offered_in_a_bulletin_is_listed_before_the_link_is_used(session, real_now):
    from mailer.bulletins.models import BulletinItem, BulletinRecipient, ItemKind, RecipientState
    from mailer.bulletins.services import compose
    from panel.auth.models import Role
    from tests.factories import make_staff

    survey, _ = live_survey(session, real_now)
    reader, left_out, not_accepted = (
        make_member(session),
        make_member(session),
        make_member(session),
    )
    bulletin = compose.create_bulletin(
        session, make_staff(session, Role.COMMS), "Winter news", None, real_now
    )
    session.add(
        BulletinItem(
            bulletin_id=bulletin.id,
            kind=ItemKind.SURVEY,
            title="Tell us",
            survey_id=survey.id,
            created_at=real_now,
        )
    )
    session.add_all(
        [
            BulletinRecipient(
                bulletin_id=bulletin.id, member_id=reader.id, state=RecipientState.ACCEPTED
            ),
            BulletinRecipient(
                bulletin_id=bulletin.id, member_id=not_accepted.id, state=RecipientState.FAILED
            ),
        ]
    )
    session.flush()
    (item,) = my_surveys(session, reader, real_now).open
    assert (item.survey.id, item.started) == (survey.id, False)
    assert my_surveys(session, left_out, real_now).open == []
    assert my_surveys(session, not_accepted, real_now).open == []  # it never reached them
    # Once the member has used the link, the survey is listed once, as their invitation.
    response = answering.start_personal(session, survey, reader.id, real_now)
    assert response is not None
    session.flush()
    assert [i.survey.id for i in my_surveys(session, reader, real_now).open] == [survey.id]
    assert not my_surveys(session, reader, real_now + timedelta(days=60)).open  # closed by then
