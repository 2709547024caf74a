"""Marking a guidance finding as wrong: the form beside the finding, its bad input, the comms
team's list and the corpus download (on SQLite and PostgreSQL, like the whole suite)."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys import content as doc
from surveys.guidance.corpus import COLUMNS, Example, load
from surveys.models import FindingMark, Survey
from surveys.services import authoring, checking
from surveys.services.guidance_corpus import write_examples
from tests.factories import make_staff, place
from tests.surveys.helpers import write_good_survey

LEADING = "Do you support our plans to improve the clinic car park?"


def _place_author(session):
    return make_staff(session, Role.PLACE, [place(session, "blackpool")])


def _survey_with_a_leading_question(session, author, now):
    place_id = min(author.place_ids) if author.role is Role.PLACE else None
    survey = write_good_survey(session, author, now, place_id=place_id)
    question = doc.question("q4", "single_choice", LEADING, why_we_ask="x", options=["Yes", "No"])
    authoring.save_question(survey, 0, question, now)
    session.commit()
    (leading,) = [
        c for c in checking.check(session, survey).by_question["q4"] if c.finding.rule == "leading"
    ]
    return survey, leading


def test_the_builder_shows_why_and_how_to_fix_with_a_form_to_mark_it_wrong(
    session, client, login_as, now
):
    author = _place_author(session)
    survey, leading = _survey_with_a_leading_question(session, author, now)
    login_as(author)
    page = client.get(f"/staff/surveys/{survey.id}").text
    card = page.split('id="question-q4"', 1)[1]
    assert "Why:" in card and "support our plans" in card and "How to fix:" in card
    assert f'value="{leading.mark_id}"' in card and "This finding is wrong" in card


def test_an_author_marks_a_finding_wrong_and_it_is_stored_and_audited(
    session, client, login_as, now
):
    author = _place_author(session)
    survey, leading = _survey_with_a_leading_question(session, author, now)
    login_as(author)
    reason = "We really are asking whether people back the plan: it is a consultation."
    response = client.post(
        f"/staff/surveys/{survey.id}/findings/mark",
        data={"finding": leading.mark_id, "reason": reason},
    )
    assert response.status_code == 302
    (mark,) = session.scalars(sa.select(FindingMark)).all()
    assert (mark.rule, mark.question_key, mark.question_type) == ("leading", "q4", "single_choice")
    assert mark.question_text == LEADING and mark.reason == reason
    assert mark.message == leading.finding.message and mark.by_id == author.id
    audit = session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "survey.finding_marked_wrong")
    )
    assert audit is not None and audit.staff_user_id == author.id


def test_a_short_reason_is_told_next_to_its_field_and_what_was_typed_is_kept(
    session, client, login_as, now
):
    author = make_staff(session, Role.COMMS)
    survey, leading = _survey_with_a_leading_question(session, author, now)
    login_as(author)
    for reason, message in (
        ("wrong", "Say in a sentence why this finding is wrong"),
        ("x" * 1001, "1000 characters"),
    ):
        page = client.post(
            f"/staff/surveys/{survey.id}/findings/mark",
            data={"finding": leading.mark_id, "reason": reason},
        )
        assert page.status_code == 200
        assert "There is a problem" in page.text
        field = page.text.split(f'id="mark-reason-{leading.mark_id}-error"', 1)[1][:300]
        assert message in field or message in page.text
        assert f">{reason}</textarea>" in page.text
    assert session.scalar(sa.select(sa.func.count()).select_from(FindingMark)) == 0


def test_a_finding_that_is_gone_is_refused_with_a_message(session, client, login_as, now):
    author = make_staff(session, Role.COMMS)
    survey, _ = _survey_with_a_leading_question(session, author, now)
    login_as(author)
    response = client.post(
        f"/staff/surveys/{survey.id}/findings/mark",
        data={"finding": "0" * 16, "reason": "This was never a problem at all."},
        follow_redirects=True,
    )
    assert "That finding is no longer there" in response.text
    assert session.scalar(sa.select(sa.func.count()).select_from(FindingMark)) == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reason=st.text(max_size=1200),
    finding=st.one_of(st.text(max_size=60), st.just("")),
    real_finding=st.booleans(),
)
def test_any_input_is_stored_or_told_never_a_server_error(
    session, client, login_as, now, reason, finding, real_finding
):
    survey = session.scalar(sa.select(Survey).where(Survey.title != ""))
    if survey is None:  # the database lives across examples: make the survey once
        survey, _ = _survey_with_a_leading_question(session, make_staff(session, Role.COMMS), now)
    login_as(survey.author)
    leading = next(
        c for c in checking.check(session, survey).by_question["q4"] if c.finding.rule == "leading"
    )
    before = session.scalar(sa.select(sa.func.count()).select_from(FindingMark))
    response = client.post(
        f"/staff/surveys/{survey.id}/findings/mark",
        data={"finding": leading.mark_id if real_finding else finding, "reason": reason},
    )
    after = session.scalar(sa.select(sa.func.count()).select_from(FindingMark))
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: the message is next to the reason
        assert "There is a problem" in response.text and after == before
    else:
        assert after in (before, before + 1)


def test_the_comms_team_lists_the_marks_and_downloads_them_as_corpus_rows(
    session, client, login_as, now
):
    author = _place_author(session)
    survey, leading = _survey_with_a_leading_question(session, author, now)
    login_as(author)
    reason = "=HYPERLINK(1) we are genuinely asking for support here"
    client.post(
        f"/staff/surveys/{survey.id}/findings/mark",
        data={"finding": leading.mark_id, "reason": reason},
    )
    assert client.get("/staff/surveys/finding-marks").status_code == 403
    comms = make_staff(session, Role.COMMS)
    session.commit()
    login_as(comms)
    page = client.get("/staff/surveys/finding-marks")
    assert page.status_code == 200
    assert LEADING in page.text and "genuinely asking" in page.text
    download = client.get("/staff/surveys/finding-marks.csv")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert tuple(rows[0][:3]) == COLUMNS
    assert rows[1][:4] == ["plain", "single_choice", LEADING, "leading"]
    assert rows[1][4].startswith("'=")  # neutralised for spreadsheets


def test_the_marks_download_can_be_added_to_a_corpus_by_the_command(app, tmp_path):
    write_examples(tmp_path / "train.csv", [])
    write_examples(tmp_path / "test.csv", [])
    download = tmp_path / "marks.csv"
    download.write_text(
        "label,type,text,flagged_rule,reason\n"
        f"plain,single_choice,{LEADING},leading,We are asking for support.\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["survey-corpus-add", str(download), "--into", str(tmp_path)])
    assert result.exit_code == 0 and "Added 1 of 1" in result.output
    assert load("train", tmp_path) + load("test", tmp_path) == [
        Example("plain", "single_choice", LEADING)
    ]
    download.write_text("label,type,text\nmaybe,short_text,What now?\n", encoding="utf-8")
    result = runner.invoke(args=["survey-corpus-add", str(download), "--into", str(tmp_path)])
    assert result.exit_code == 2 and "Unknown labels maybe" in result.output
