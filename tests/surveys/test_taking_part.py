"""Taking part through the client: personal and open links, page by page with branching and
checked answers, submitting once, resuming, closing to the minute, and invitations."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from panel.auth.models import Role
from panel.members.models import MemberStatus
from surveys.fieldwork import answering, invitations
from surveys.fieldwork.answers import save_page
from surveys.fieldwork.models import Answer, Invitation, OpenLink, ResponseStatus, SurveyResponse
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import SurveyStatus
from tests.factories import make_member, make_staff, place
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


def _personal_path(app, survey, member):
    return "/s/" + PersonalLinks(app.config["SECRET_KEY"]).make(survey.id, member.id)


def _answers(session, survey):
    return {
        (a.response_id, a.question_key): a.value
        for a in session.scalars(
            sa.select(Answer).join(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
        )
    }


def test_a_personal_link_journey_with_branching_and_one_submission(app, session, client, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session, "blackpool", age_band="65-74")
    session.commit()
    start = _personal_path(app, survey, member)
    assert "Start now" in client.get(start).text
    response = client.post(start)
    assert response.location.endswith(f"{start}/page/1")
    # "Car" brings its follow-up question onto this page, so the page comes back with it.
    page = client.post(f"{start}/page/1", data={"q1": "Car", "q1-comment": "Parking is dear"})
    assert page.location.endswith("/page/1")
    assert "How easy was parking?" in client.get(f"{start}/page/1").text
    # Page 2 is for bus users, so a car driver goes straight to page 3.
    page = client.post(f"{start}/page/1", data={"q1": "Car", "q2": "Easy"})
    assert page.location.endswith("/page/3")
    assert "/page/2" not in client.get(f"{start}/page/2").location  # not for them
    client.post(f"{start}/page/3", data={"q4": "More buses", "q5": "12"})
    check = client.get(f"{start}/check")
    assert "How did you travel here?" in check.text and "Car" in check.text
    assert client.post(f"{start}/check").location.endswith("/done")
    assert "Thank you for taking part" in client.get(f"{start}/done").text
    stored = session.scalars(sa.select(SurveyResponse)).one()
    assert stored.status is ResponseStatus.SUBMITTED and stored.place_id == member.place_id
    assert stored.age_band == "65-74"
    # A second visit says so, and resumes the same response.
    again = client.get(start).text
    assert "You have already taken part" in again
    client.post(start)
    client.post(f"{start}/check")
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    # Later profile edits do not move the answers.
    member.age_band = "75+"
    session.commit()
    session.refresh(stored)
    assert stored.age_band == "65-74"


def test_bad_answers_get_messages_and_keep_what_was_typed(app, session, client, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    session.commit()
    start = _personal_path(app, survey, member)
    client.post(start)
    cases = [
        ({}, "Choose an answer"),
        ({"q1": "Helicopter"}, "Choose one of the answers shown"),
        ({"q1": ["Car", "Bus"]}, "Choose one of the answers shown"),
        ({"q1": "__other__"}, "Say what your other answer is"),
        ({"q1": "Walking", "q1-comment": "x" * 2001}, "2,000 characters"),
    ]
    for data, message in cases:
        page = client.post(f"{start}/page/1", data=data)
        assert page.status_code == 400 and message in page.text, message
        assert "There is a problem" in page.text
    page = client.post(
        f"{start}/page/1", data={"q1": "Walking", "q1-comment": "typed" + "y" * 2000}
    )
    assert "typedyyy" in page.text  # kept
    # A forged question key is ignored, never stored.
    client.post(f"{start}/page/1", data={"q1": "Walking", "q99": "forged", "eq_sex": "x"})
    page = client.post(f"{start}/page/3", data={"q4": "x" * 101, "q5": "lots"})
    assert "100 characters or fewer" in page.text and "Enter a number" in page.text
    assert client.post(f"{start}/page/3", data={"q5": "400"}).status_code == 400
    keys = {key for _r, key in _answers(session, survey)}
    assert keys == {"q1"}


def test_tampered_links_are_404(app, session, client, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    session.commit()
    start = _personal_path(app, survey, member)
    flipped = start[:-2] + ("AA" if not start.endswith("AA") else "BB")
    for path in (flipped, flipped + "/page/1", "/s/short", "/r/not-a-token/page/1", "/o/nope"):
        assert client.get(path).status_code == 404, path
    assert client.post(flipped).status_code == 404


def test_open_links_resume_by_email_and_record_their_source(app, session, client, outbox, real_now):
    survey, author = live_survey(session, real_now)
    link = invitations.create_open_link(session, survey, author, "Healthwatch Blackpool", real_now)
    session.commit()
    assert "Start now" in client.get(f"/o/{link.code}").text
    started = client.post(f"/o/{link.code}")
    resume_path = started.location
    assert re.search(r"/r/[\w-]+/page/1$", resume_path)
    client.post(resume_path, data={"q1": "Bus"})
    token = resume_path.split("/")[2]
    bad = client.post(f"/r/{token}/resume-link", data={"email": "not an email"})
    assert bad.status_code == 400 and "Enter an email address" in bad.text
    sent = client.post(f"/r/{token}/resume-link", data={"email": "resident@example.com"})
    assert "Check your email" in sent.text
    message = outbox()[-1]
    assert message.to_email == "resident@example.com" and f"/r/{token}/page/1" in message.text_body
    # Page 2 is for bus users: they reach it, and their answers so far are there.
    assert 'value="Bus" checked' in client.get(f"/r/{token}/page/1").text
    client.post(f"/r/{token}/page/2", data={"q3": ["Station", "Hospital"]})
    client.post(f"/r/{token}/page/3", data={})
    client.post(f"/r/{token}/check")
    response = session.scalars(sa.select(SurveyResponse)).one()
    assert (
        response.status is ResponseStatus.SUBMITTED and response.source == "Healthwatch Blackpool"
    )
    assert _answers(session, survey)[(response.id, "q3")] == ["Station", "Hospital"]


def test_closing_is_enforced_to_the_minute(app, session, client, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    session.commit()
    start = _personal_path(app, survey, member)
    client.post(start)
    client.post(f"{start}/page/1", data={"q1": "Walking"})
    survey.closes_at = datetime.now(UTC) - timedelta(seconds=1)  # closed a second ago
    survey.results_note = "Results in March on our website."
    session.commit()
    for response in (
        client.get(start),
        client.post(f"{start}/page/3", data={}),
        client.post(f"{start}/check"),
    ):
        assert response.status_code == 410 and "Results in March" in response.text
    assert session.scalar(sa.select(SurveyResponse.status)) is ResponseStatus.IN_PROGRESS


def test_the_close_job_closes_and_unlinks_anonymous_answers(app, session, client, real_now):
    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    session.commit()
    start = _personal_path(app, survey, member)
    client.post(start)
    client.post(f"{start}/page/1", data={"q1": "Walking"})
    client.post(f"{start}/page/3", data={})
    client.post(f"{start}/check")
    assert invitations.close_due_surveys(session, real_now) == 0
    assert invitations.close_due_surveys(session, survey.closes_at) == 1
    assert invitations.close_due_surveys(session, survey.closes_at) == 0  # safe twice
    session.refresh(survey)
    assert survey.status is SurveyStatus.CLOSED
    response = session.scalars(sa.select(SurveyResponse)).one()
    assert response.invitation_id is None and response.status is ResponseStatus.SUBMITTED


def test_many_tabs_submitting_at_once_make_exactly_one_response(app, session, real_now):
    from panel.extensions import db

    survey, _ = live_survey(session, real_now)
    member = make_member(session)
    session.commit()
    survey_id, member_id = survey.id, member.id
    results, errors = [], []
    barrier = threading.Barrier(4)

    def tab():
        with app.app_context():
            try:
                barrier.wait()
                own = db.session.get(type(survey), survey_id)
                response = answering.start_personal(db.session, own, member_id, real_now)
                db.session.commit()
                save_page(db.session, own, response, 0, {"q1": ["Walking"]}, real_now)
                db.session.commit()
                results.append(answering.submit(db.session, own, response, real_now))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - every failure is checked below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tab) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Only SQLite's lock timeout under contention is an acceptable failure for a tab.
    assert all(isinstance(e, sa.exc.OperationalError) for e in errors), errors
    assert results.count(True) == 1, (results, errors)
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    assert session.scalar(sa.select(sa.func.count(Invitation.id))) == 1


def test_invitations_respect_caps_pauses_and_unsubscribes_then_email(
    app, session, outbox, real_now
):
    from panel.segments.services.fatigue import record_invitations

    survey, author = live_survey(session, real_now, place_id=place(session, "blackpool").id)
    keen, paused, left_out, capped = (make_member(session, "blackpool") for _ in range(4))
    elsewhere = make_member(session, "south-cumbria")
    gone = make_member(session, "blackpool", status=MemberStatus.LEFT)
    paused.paused_until = real_now + timedelta(days=10)
    left_out.unsubscribed_at = real_now
    record_invitations(session, [capped.id, capped.id], 999, real_now - timedelta(days=3))
    session.commit()
    result = invitations.invite(session, survey, author, real_now)
    session.commit()
    assert (result.matched, result.invited, result.skipped) == (4, 1, 3)
    again = invitations.invite(session, survey, author, real_now + timedelta(seconds=1))
    assert again.invited == 0
    invited = set(session.scalars(sa.select(Invitation.member_id)))
    assert invited == {keen.id} and not {elsewhere.id, gone.id} & invited
    assert invitations.send_invitation_emails(session, real_now) == 1
    assert invitations.send_invitation_emails(session, real_now) == 0
    # The reviewers were told when the survey was sent for review; only members are invited.
    messages = [m for m in outbox() if not m.to_email.endswith(".nhs.uk")]
    assert [m.to_email for m in messages] == [keen.email]
    assert "/s/" in messages[0].text_body and messages[0].headers["List-Unsubscribe-Post"]


def test_one_reminder_before_closing_to_those_who_have_not_finished(
    app, session, client, outbox, real_now
):
    survey, author = live_survey(session, real_now)
    survey.reminder_days = 3
    finished, unfinished = make_member(session), make_member(session)
    session.commit()
    invitations.invite(session, survey, author, real_now)
    invitations.send_invitation_emails(session, real_now)
    outbox()
    start = _personal_path(app, survey, finished)
    client.post(start)
    client.post(f"{start}/page/1", data={"q1": "Walking"})
    client.post(f"{start}/page/3", data={})
    client.post(f"{start}/check")
    early = survey.closes_at - timedelta(days=5)
    assert invitations.send_reminders(session, early) == 0
    due = survey.closes_at - timedelta(days=2)
    assert invitations.send_reminders(session, due) == 1
    assert invitations.send_reminders(session, due) == 0
    reminders = [m for m in outbox() if "few days left" in m.subject.lower()]
    assert [m.to_email for m in reminders] == [unfinished.email]


def test_fieldwork_page_counts_and_place_isolation(app, session, client, login_as, real_now):
    survey, author = live_survey(session, real_now, place_id=place(session, "blackpool").id)
    link = invitations.create_open_link(session, survey, author, "Community event", real_now)
    session.commit()
    client.post(f"/o/{link.code}")
    login_as(author)
    page = client.get(f"/staff/surveys/{survey.id}/fieldwork").text
    assert "Community event" in page and f"/o/{link.code}" in page and "<svg" in page
    assert "1</td>" in page  # one started
    cumbria = make_staff(session, Role.PLACE, places=["south-cumbria"])
    session.commit()
    login_as(cumbria)
    assert client.get(f"/staff/surveys/{survey.id}/fieldwork").status_code == 404
    assert client.post(f"/staff/surveys/{survey.id}/invite").status_code == 404
    assert session.scalar(sa.select(sa.func.count(OpenLink.id))) == 1


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "named"])
def test_every_link_to_a_closed_survey_shows_the_kind_closed_page_never_a_404(
    app, session, client, real_now, anonymous
):
    survey, author = live_survey(session, real_now, anonymous=anonymous)
    submitted, started, unused = (make_member(session) for _ in range(3))
    link = invitations.create_open_link(session, survey, author, "Library", real_now)
    session.commit()
    paths = {member: _personal_path(app, survey, member) for member in (submitted, started, unused)}
    for member in (submitted, started):
        client.post(paths[member])
        client.post(f"{paths[member]}/page/1", data={"q1": "Walking"})
    client.post(f"{paths[submitted]}/page/3", data={})
    client.post(f"{paths[submitted]}/check")
    resume = client.post(f"/o/{link.code}").location.rsplit("/page/", 1)[0]
    invitations.close_due_surveys(session, survey.closes_at)
    survey.results_note = "Results in March on our website."
    session.commit()
    linked = [r.invitation_id is not None for r in session.scalars(sa.select(SurveyResponse))]
    assert any(linked) is not anonymous  # an anonymous survey's answers left people at close
    answers = _answers(session, survey)

    for start in [*paths.values(), resume]:
        visits = [
            client.get(f"{start}/page/1"),
            client.post(f"{start}/page/1", data={"q1": "Car"}),
            client.get(f"{start}/check"),
            client.post(f"{start}/check"),
        ]
        if start.startswith("/s/"):
            visits += [client.get(start), client.post(start)]
        for visit in visits:
            assert visit.status_code == 410, (start, visit.request.path, visit.status_code)
            assert "no longer taking answers" in visit.text and "Results in March" in visit.text
        # Someone whose answers can still be found sees their thank-you; anyone else the page.
        done = client.get(f"{start}/done")
        if not anonymous and start == paths[submitted]:
            assert done.status_code == 200 and "Thank you for taking part" in done.text
        else:
            assert done.status_code == 410 and "no longer taking answers" in done.text
    # Showing the closed page linked nothing back to anyone, and changed no answer.
    session.expire_all()
    relinked = [r.invitation_id is not None for r in session.scalars(sa.select(SurveyResponse))]
    assert relinked == linked and _answers(session, survey) == answers
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 3
