"""Survey pages through the client: planning with bad input, the builder showing findings next
to questions, who may do what, import, preview, export and the survey-check command."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from panel.auth.models import Role
from surveys.models import Survey, SurveySnapshot, SurveyStatus
from surveys.services import lifecycle
from tests.factories import make_staff, place
from tests.surveys.helpers import write_good_survey

PLAN = {
    "title": "Maternity care in Blackpool",
    "place_id": "0",
    "purpose": "To hear about maternity care.",
    "decision": "How to change antenatal classes.",
    "already_known": "",
    "audience": "panel",
    "segment_id": "0",
    "involvement": "listen",
    "opens_day": "2027-06-07",
    "opens_time": "",
    "closes_day": "2027-07-19",
    "closes_time": "",
    "urgent_reason": "",
    "anonymous": "yes",
    "equality_considerations": "",
}


def test_planning_a_survey_then_adding_a_question(session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    response = client.post("/staff/surveys/new", data=PLAN)
    assert response.status_code == 302
    survey = session.scalar(sa.select(Survey))
    assert survey.opens_at.isoformat() == "2027-06-07T08:00:00+00:00"  # 9am BST
    assert survey.closes_at.isoformat() == "2027-07-19T22:59:00+00:00"
    page = client.get(f"/staff/surveys/{survey.id}/pages/0/questions/new")
    assert page.status_code == 200
    response = client.post(
        f"/staff/surveys/{survey.id}/pages/0/questions/new",
        data={
            "type": "single_choice",
            "text": "Wouldn't it be better to have classes online?",
            "options": "Yes\nNo",
            "why_we_ask": "To plan classes.",
            "show_if_key": "",
            "required": "y",
        },
    )
    assert response.status_code == 302
    detail = client.get(f"/staff/surveys/{survey.id}").text
    card = detail.split('id="question-q1"', 1)[1].split('class="nhsuk-card app-question"')[0]
    # The leading-question error sits with its question, with the way to override it.
    assert "nhsuk-tag--red" in card and "Publish anyway, with a reason" in card


def test_bad_plan_input_gets_messages_next_to_fields_and_keeps_the_rest(session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    bad = {**PLAN, "purpose": "", "closes_day": "2027-06-01", "opens_time": "25:99"}
    page = client.post("/staff/surveys/new", data=bad)
    assert page.status_code == 200
    assert "There is a problem" in page.text and "Say what the survey is for" in page.text
    assert 'value="Maternity care in Blackpool"' in page.text
    spring = {**PLAN, "opens_day": "2027-03-28", "opens_time": "01:30"}
    page = client.post("/staff/surveys/new", data=spring)
    assert "clocks go forward" in page.text
    early_close = {**PLAN, "closes_day": "2027-06-01"}
    assert (
        "must be after the opening date" in client.post("/staff/surveys/new", data=early_close).text
    )
    assert session.scalar(sa.select(sa.func.count(Survey.id))) == 0


def test_place_teams_see_and_write_only_their_places_surveys(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    cumbria_survey = write_good_survey(
        session, comms, now, place_id=place(session, "south-cumbria").id
    )
    blackpool_team = make_staff(session, Role.PLACE, places=["blackpool"])
    session.commit()
    login_as(blackpool_team)
    assert cumbria_survey.title not in client.get("/staff/surveys/").text
    for path in ("", "/plan", "/preview", "/export.json", "/review", "/questions/q1"):
        assert client.get(f"/staff/surveys/{cumbria_survey.id}{path}").status_code == 404, path
    assert (
        client.post(
            f"/staff/surveys/{cumbria_survey.id}/status", data={"action": "submit"}
        ).status_code
        == 404
    )
    forged = {**PLAN, "place_id": str(place(session, "south-cumbria").id)}
    page = client.post("/staff/surveys/new", data=forged)
    assert page.status_code == 200 and "Not a valid choice" in page.text
    own = {**PLAN, "place_id": str(place(session, "blackpool").id)}
    assert client.post("/staff/surveys/new", data=own).status_code == 302


def test_sign_off_through_the_pages(session, client, login_as, now):
    author, colleague = (
        make_staff(session, Role.COMMS),
        make_staff(session, Role.PLACE, places=["blackpool"]),
    )
    survey = write_good_survey(session, author, now, place_id=place(session, "blackpool").id)
    session.commit()
    login_as(author)
    client.post(f"/staff/surveys/{survey.id}/status", data={"action": "submit"})
    page = client.get(f"/staff/surveys/{survey.id}").text
    assert "Approve this survey" not in page  # not offered to the author
    client.post(f"/staff/surveys/{survey.id}/status", data={"action": "approve"})
    session.refresh(survey)
    assert survey.status is SurveyStatus.IN_REVIEW
    login_as(colleague)
    client.post(f"/staff/surveys/{survey.id}/status", data={"action": "approve"})
    client.post(f"/staff/surveys/{survey.id}/status", data={"action": "publish"})
    session.refresh(survey)
    assert survey.status is SurveyStatus.LIVE
    snapshot = session.scalar(sa.select(SurveySnapshot))
    download = client.get(f"/staff/surveys/{survey.id}/snapshots/1.json")
    assert download.headers["X-Content-SHA256"] == snapshot.sha256
    assert snapshot.sha256 in client.get(f"/staff/surveys/{survey.id}").text
    # Live: editing a question leads to the typo correction page instead.
    response = client.get(f"/staff/surveys/{survey.id}/questions/q1")
    assert response.status_code == 302 and response.location.endswith("/questions/q1/typo")


def test_a_malformed_import_says_why_and_writes_nothing(session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    bad = {
        "file": (io.BytesIO(b'{"format": "lsc-panel-survey", "version": 7}'), "s.json"),
        "place_id": "0",
    }
    page = client.post("/staff/surveys/import", data=bad, content_type="multipart/form-data")
    assert page.status_code == 200 and "cannot be imported" in page.text and "version" in page.text
    assert session.scalar(sa.select(sa.func.count(Survey.id))) == 0
    empty = client.post(
        "/staff/surveys/import", data={"place_id": "0"}, content_type="multipart/form-data"
    )
    assert "choose a file" in empty.text


def test_export_then_import_through_the_pages(session, client, login_as, now):
    author = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, author, now)
    session.commit()
    login_as(author)
    exported = client.get(f"/staff/surveys/{survey.id}/export.json")
    assert exported.mimetype == "application/json"
    upload = {"file": (io.BytesIO(exported.data), "survey.json"), "place_id": "0"}
    response = client.post("/staff/surveys/import", data=upload, content_type="multipart/form-data")
    assert response.status_code == 302
    copies = session.scalars(sa.select(Survey).order_by(Survey.id)).all()
    assert len(copies) == 2 and copies[1].content["pages"] == json.loads(exported.data)["pages"]


def test_earlier_similar_surveys_and_questions_are_shown(session, client, login_as, now):
    author = make_staff(session, Role.COMMS)
    earlier = write_good_survey(session, author, now, title="Hospital transport 2025")
    later = write_good_survey(session, author, now, title="Travelling to hospital appointments")
    session.commit()
    login_as(author)
    page = client.get(f"/staff/surveys/{later.id}").text
    assert "Hospital transport 2025" in page.split("What do we already know?")[1]
    question_page = client.get(f"/staff/surveys/{later.id}/questions/q1").text
    assert "Asked before?" in question_page and earlier.title in question_page


def test_observers_read_but_cannot_change(session, client, login_as, now):
    survey = write_good_survey(session, make_staff(session, Role.COMMS), now)
    observer = make_staff(session, Role.OBSERVER)
    session.commit()
    login_as(observer)
    page = client.get(f"/staff/surveys/{survey.id}")
    assert page.status_code == 200 and "Move up" not in page.text
    assert client.get(f"/staff/surveys/{survey.id}/preview?size=phone").status_code == 200
    assert (
        client.post(f"/staff/surveys/{survey.id}/status", data={"action": "approve"}).status_code
        == 403
    )


def test_overrides_are_recorded_from_the_page(session, client, login_as, now):
    author = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, author, now)
    from surveys import content as doc
    from surveys.services import authoring

    authoring.save_question(
        survey,
        0,
        doc.question("q4", "short_text", "What is your phone number?", why_we_ask="x"),
        now,
    )
    session.commit()
    login_as(author)
    short = {"rule": "personal_data", "question_key": "q4", "reason": "short"}
    client.post(f"/staff/surveys/{survey.id}/override", data=short)
    assert lifecycle.checking.check(session, survey).by_question["q4"][0].override is None
    client.post(
        f"/staff/surveys/{survey.id}/override",
        data={
            "rule": "personal_data",
            "question_key": "q4",
            "reason": "We ring people back for the focus group; IG agreed.",
        },
    )
    found = [
        f
        for f in lifecycle.checking.check(session, survey).by_question["q4"]
        if f.finding.rule == "personal_data"
    ]
    assert found[0].override is not None and not found[0].blocking
    assert "IG agreed" in client.get(f"/staff/surveys/{survey.id}").text


def test_the_survey_check_command(app, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("Don't you agree the new clinic is better?\nHow old are you?\n")
    result = app.test_cli_runner().invoke(args=["survey-check", str(questions)])
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in result.output.splitlines()]
    assert {"line": 1, "rule": "leading"}.items() <= findings[0].items()
    missing = app.test_cli_runner().invoke(args=["survey-check", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2


def test_staff_keep_the_election_dates_the_checker_uses(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, comms, now)  # open 7 June to 19 July 2027
    session.commit()
    login_as(comms)

    def pre_election_errors():
        report = lifecycle.checking.check(session, survey)
        return [f for f in report.all if f.finding.rule == "pre_election"]

    assert pre_election_errors() == []
    page = client.get("/staff/surveys/election-dates").text
    assert "6 May 2027" in page  # seeded by the migration
    added = client.post(
        "/staff/surveys/election-dates",
        data={"poll_date": "2027-07-15", "description": "Blackpool by-election"},
    )
    assert added.status_code == 302
    assert len(pre_election_errors()) == 1
    again = client.post(
        "/staff/surveys/election-dates", data={"poll_date": "2027-07-15", "description": "Same day"}
    )
    assert "already on the list" in again.text
    assert (
        "Enter a real date"
        in client.post(
            "/staff/surveys/election-dates", data={"poll_date": "soon", "description": "x"}
        ).text
    )
    from surveys.models import ElectionDate

    by_election = session.scalar(
        sa.select(ElectionDate).where(ElectionDate.description.like("Black%"))
    )
    client.post(f"/staff/surveys/election-dates/{by_election.id}/remove")
    assert pre_election_errors() == []
    place_team = make_staff(session, Role.PLACE, places=["blackpool"])
    session.commit()
    login_as(place_team)
    assert client.get("/staff/surveys/election-dates").status_code == 403


def test_a_page_can_be_shown_only_for_an_earlier_answer(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, comms, now)  # page 1: q1-q3; page 2: equality block
    session.commit()
    login_as(comms)
    bad = {
        "action": "rename",
        "page": "0",
        "title": "First",
        "show_if_key": "eq_sex",
        "show_if_values": "Female",
    }
    client.post(f"/staff/surveys/{survey.id}/pages", data=bad)
    session.refresh(survey)
    assert survey.pages[0]["show_if"] is None  # cannot depend on a later page
    good = {
        "action": "rename",
        "page": "1",
        "title": "About you",
        "show_if_key": "q1",
        "show_if_values": "Car | Bus",
    }
    client.post(f"/staff/surveys/{survey.id}/pages", data=good)
    session.refresh(survey)
    assert survey.pages[1]["show_if"] == {"question": "q1", "equals": ["Car", "Bus"]}
    assert "shown only if q1 is Car or Bus" in client.get(f"/staff/surveys/{survey.id}").text
