"""Answers gathered on paper, by phone or at an event (issue 23 point 4): references with a
check character, staff starting an entry and answering it on the residents' own pages, each
paper copy entered once (also two at once), the channel recorded, audited and counted."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.fieldwork import answering, entry, paper
from surveys.fieldwork.answers import save_page
from surveys.fieldwork.branching import SurveyClosed
from surveys.fieldwork.models import (
    PaperCopy,
    ResponseChannel,
    ResponseEntry,
    ResponseStatus,
    SurveyResponse,
)
from surveys.models import Survey
from surveys.results import figures
from surveys.results.figures import ResultFilters
from tests.factories import make_staff, place
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


# References -----------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    body=st.text(alphabet=paper.ALPHABET, min_size=7, max_size=7),
    position=st.integers(0, 7),
    replacement=st.sampled_from(paper.ALPHABET),
)
def test_every_mistyped_character_is_caught(body, position, replacement):
    reference = body + paper.check_character(body)
    assert paper.read_reference(reference) == reference
    typo = reference[:position] + replacement + reference[position + 1 :]
    if typo != reference:
        with pytest.raises(paper.BadReference, match="not right"):
            paper.read_reference(typo)


def test_references_are_read_as_people_type_them():
    reference = paper.new_reference()
    assert len(reference) == 8 and set(reference) <= set(paper.ALPHABET)
    typed = paper.printed(reference).lower()
    assert paper.read_reference(f"  {typed} ") == reference
    body = "0011ABC"
    sloppy = "OoIL-abc" + paper.check_character(body)  # O for 0, I and L for 1
    assert paper.read_reference(sloppy) == body + paper.check_character(body)
    for typed, message in (("", "Enter the reference"), ("ABC", "8 letters"), ("UUUUUUUU", "8")):
        with pytest.raises(paper.BadReference, match=message):
            paper.read_reference(typed)


def test_paper_copies_get_distinct_references_and_are_audited(session, now):
    survey, author = live_survey(session, now)
    copies = paper.make_paper_copies(session, survey, author, 40, now)
    session.commit()
    assert len({c.reference for c in copies}) == 40
    assert all(paper.read_reference(c.reference) == c.reference for c in copies)
    assert (
        session.scalar(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "survey.paper_copies")
        )
        == "40 copies"
    )
    for wrong in (0, paper.MAX_COPIES + 1):
        with pytest.raises(ValueError, match="from 1 to"):
            paper.make_paper_copies(session, survey, author, wrong, now)


# Starting an entry ----------------------------------------------------------------------------


def _copy(session, survey, user, now) -> str:
    copy = paper.make_paper_copies(session, survey, user, 1, now)[0]
    session.commit()
    return copy.reference


def test_a_paper_entry_is_recorded_with_its_channel_copy_and_who_entered_it(session, now):
    survey, author = live_survey(session, now)
    clerk = make_staff(session, Role.COMMS, name="Pat Clerk")
    reference = _copy(session, survey, author, now)
    response, token = entry.start_entry(
        session, survey, clerk, "paper", paper.printed(reference).lower(), now
    )
    session.commit()
    assert token and response.channel is ResponseChannel.PAPER
    assert response.status is ResponseStatus.IN_PROGRESS and response.source == "Paper copy"
    stored = session.scalars(sa.select(ResponseEntry)).one()
    assert (stored.response_id, stored.entered_by_id) == (response.id, clerk.id)
    assert stored.entered_at == now and stored.paper_copy.reference == reference
    assert entry.entry_facts(session, response) == entry.EntryFacts(
        "Paper copy", paper.printed(reference)
    )
    audit = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "survey.entry"))
    assert audit.one().detail == f"paper {paper.printed(reference)}"


def test_the_same_paper_copy_cannot_be_entered_twice(session, now):
    survey, author = live_survey(session, now)
    clerk = make_staff(session, Role.COMMS, name="Pat Clerk")
    reference = _copy(session, survey, author, now)
    response, _token = entry.start_entry(session, survey, clerk, "paper", reference, now)
    session.commit()
    later = now + timedelta(days=2)
    with pytest.raises(entry.PaperCopyEntered) as refused:
        entry.start_entry(session, survey, author, "paper", reference, later)
    assert str(refused.value) == (
        "This paper copy was entered on 23 November 2026 by Pat Clerk "
        "(its answers have not been sent yet)"
    )
    assert refused.value.field == "reference"
    save_page(session, survey, response, 0, {"q1": ["Bus"]}, now)
    save_page(session, survey, response, 1, {"q3": ["Station"]}, now)
    answering.submit(session, survey, response, now)
    session.commit()
    for user in (author, clerk):  # once sent, nobody enters it again, whoever started it
        with pytest.raises(entry.PaperCopyEntered) as refused:
            entry.start_entry(session, survey, user, "paper", reference, later)
        assert str(refused.value) == "This paper copy was entered on 23 November 2026 by Pat Clerk"
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1


def test_whoever_started_an_unfinished_paper_entry_carries_on_with_it(session, now):
    survey, author = live_survey(session, now)
    reference = _copy(session, survey, author, now)
    response, first_token = entry.start_entry(session, survey, author, "paper", reference, now)
    save_page(session, survey, response, 0, {"q1": ["Walking"]}, now)
    session.commit()
    again, second_token = entry.start_entry(session, survey, author, "paper", reference, now)
    session.commit()
    assert again.id == response.id and second_token != first_token
    assert answering.open_response_for(session, first_token) is None  # the old link stops
    assert answering.open_response_for(session, second_token).id == response.id
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("survey.entry%"))
    ).all()
    assert sorted(actions) == ["survey.entry", "survey.entry_resumed"]


def test_bad_entries_are_refused_with_the_field_named(session, now):
    survey, author = live_survey(session, now)
    other, _ = live_survey(session, now)
    elsewhere = _copy(session, other, author, now)
    cases = [
        ("online", "", "channel", "Choose how"),
        ("post", "", "channel", "Choose how"),
        ("paper", "", "reference", "Enter the reference"),
        ("paper", "ABCD-EFG", "reference", "8 letters"),
        (
            "paper",
            elsewhere[:-1] + ("0" if elsewhere[-1] != "0" else "1"),
            "reference",
            "not right",
        ),
        ("paper", elsewhere, "reference", "No paper copy of this survey"),
    ]
    for channel, typed, field, message in cases:
        with pytest.raises(entry.EntryRefused, match=message) as refused:
            entry.start_entry(session, survey, author, channel, typed, now)
        assert refused.value.field == field
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0


def test_phone_entries_need_no_reference_and_closed_surveys_take_none(session, now):
    survey, author = live_survey(session, now)
    response, _token = entry.start_entry(session, survey, author, "phone", "", now)
    assert response.channel is ResponseChannel.PHONE and response.source == "Phone"
    assert entry.entry_facts(session, response) == entry.EntryFacts("Phone", "")
    with pytest.raises(SurveyClosed):
        entry.start_entry(session, survey, author, "phone", "", now + timedelta(days=41))


def test_an_entered_response_is_answered_sent_audited_and_counted(session, now):
    survey, author = live_survey(session, now)
    response, _token = entry.start_entry(session, survey, author, "phone", "", now)
    save_page(session, survey, response, 0, {"q1": ["Walking"]}, now)
    save_page(session, survey, response, 2, {"q4": ["By phone"]}, now)
    assert answering.submit(session, survey, response, now)
    session.commit()
    sent = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "survey.entry_sent"))
    assert [(e.staff_user_id, e.detail) for e in sent] == [(author.id, "phone")]
    counted = {r.key: r for r in figures.question_results(session, survey, ResultFilters())}
    assert counted["q1"].answered == 1


def test_two_entries_of_one_copy_at_once_make_one_response(app, session, real_now):
    from panel.extensions import db

    survey, author = live_survey(session, real_now)
    reference = _copy(session, survey, author, real_now)
    survey_id, author_id = survey.id, author.id
    outcomes, errors = [], []
    barrier = threading.Barrier(2)

    def clerk():
        with app.app_context():
            try:
                own = db.session.get(Survey, survey_id)
                user = db.session.get(type(author), author_id)
                barrier.wait()
                entry.start_entry(db.session, own, user, "paper", reference, real_now)
                db.session.commit()
                outcomes.append("entered")
            except entry.PaperCopyEntered:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # noqa: BLE001 - every failure is checked below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Only SQLite's lock timeout under contention is an acceptable failure.
    assert all(isinstance(e, sa.exc.OperationalError) for e in errors), errors
    assert outcomes.count("entered") == 1, (outcomes, errors)
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    assert session.scalar(sa.select(sa.func.count(ResponseEntry.id))) == 1


# Pages ----------------------------------------------------------------------------------------


def test_staff_enter_a_paper_copy_through_the_residents_pages(session, client, login_as, real_now):
    survey, author = live_survey(session, real_now)
    reference = _copy(session, survey, author, real_now)
    login_as(author)
    session.commit()
    start = f"/staff/surveys/{survey.id}/enter"
    assert "Enter a paper or phone response" in client.get(start).text
    assert (
        "Enter a paper or phone response"
        in client.get(f"/staff/surveys/{survey.id}/fieldwork").text
    )
    going = client.post(start, data={"channel": "paper", "reference": paper.printed(reference)})
    assert going.status_code == 302 and "/page/1" in going.location
    page_path = going.location
    page = client.get(page_path).text
    assert f"paper copy {paper.printed(reference)}" in page and "Finish later" not in page
    # The residents' checks apply: a bad answer is refused with its message.
    bad = client.post(page_path, data={"q1": "Helicopter"})
    assert bad.status_code == 400 and "Choose one of the answers shown" in bad.text
    client.post(page_path, data={"q1": "Walking"})
    base = page_path.rsplit("/page/", 1)[0]
    client.post(f"{base}/page/3", data={"q4": "From the copy"})
    assert client.post(f"{base}/check").location.endswith("/done")
    done = client.get(f"{base}/done").text
    assert "Enter another paper or phone response" in done
    stored = session.scalars(sa.select(SurveyResponse)).one()
    assert stored.status is ResponseStatus.SUBMITTED and stored.channel is ResponseChannel.PAPER
    # The same copy again: refused, next to the field, what was typed kept.
    again = client.post(start, data={"channel": "paper", "reference": reference})
    assert again.status_code == 400 and "This paper copy was entered on" in again.text
    assert reference in again.text
    listing = client.get(f"/staff/surveys/{survey.id}/paper-copies").text
    assert paper.printed(reference) in listing and "Not yet" not in listing


def test_the_entry_page_answers_bad_input_with_messages(session, client, login_as, real_now):
    survey, author = live_survey(session, real_now)
    login_as(author)
    session.commit()
    start = f"/staff/surveys/{survey.id}/enter"
    for data, message in (
        ({}, "Choose how the answers were gathered"),
        ({"channel": "online"}, "Choose how the answers were gathered"),
        ({"channel": "paper"}, "Enter the reference printed on the paper copy"),
        ({"channel": "paper", "reference": "HELLO-WORLD"}, "8 letters and numbers"),
        ({"channel": "paper", "reference": "x" * 60}, "8 letters and numbers"),
    ):
        page = client.post(start, data=data)
        assert page.status_code == 400 and message in page.text, data
        assert "There is a problem" in page.text
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0
    copies = f"/staff/surveys/{survey.id}/paper-copies"
    for how_many in ("", "0", "lots", "501", "-3"):
        page = client.post(copies, data={"how_many": how_many})
        assert page.status_code == 400 and "There is a problem" in page.text, how_many
    assert client.post(copies, data={"how_many": "3"}).status_code == 302
    assert session.scalar(sa.select(sa.func.count(PaperCopy.id))) == 3
    assert client.get(copies).text.count("Not yet") == 3


def test_who_may_enter_responses(session, client, login_as, real_now):
    survey, _author = live_survey(session, real_now)
    local, _ = live_survey(session, real_now, place_id=place(session, "blackpool").id)
    session.commit()
    paths = lambda s: (f"/staff/surveys/{s.id}/enter", f"/staff/surveys/{s.id}/paper-copies")  # noqa: E731
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    assert {client.get(p).status_code for p in paths(survey)} == {403}
    login_as(make_staff(session, Role.PLACE, places=[place(session, "blackpool")]))
    session.commit()
    assert {client.get(p).status_code for p in paths(local)} == {200}
    assert {client.get(p).status_code for p in paths(survey)} == {404}  # ICB-wide: not theirs
    assert client.post(paths(survey)[0], data={"channel": "phone"}).status_code == 404
    assert session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0
