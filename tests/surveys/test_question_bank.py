"""The question bank: searching earlier surveys' questions by their words, by survey and by
type, only among the surveys the user may see; suggestions from "what do we already know";
copying one in under a new key; and a search that never writes."""

from __future__ import annotations

import sqlalchemy as sa

from panel.auth.models import Role
from surveys import content as doc
from surveys.models import Survey, SurveyStatus
from surveys.services import authoring, question_bank
from surveys.services.question_bank import BankSearch
from tests.factories import make_staff, place
from tests.surveys.helpers import plan, write_good_survey


def _earlier(session, author, now, **plan_overrides):
    survey = authoring.create_survey(session, author, plan(**plan_overrides), now)
    authoring.save_question(
        survey,
        0,
        doc.question(
            "q1",
            "single_choice",
            "How do you usually book a GP appointment?",
            why_we_ask="To plan phone lines.",
            options=["By phone", "Online", "In person"],
        ),
        now,
    )
    authoring.save_question(
        survey,
        0,
        doc.question(
            "q2",
            "long_text",
            "What would make booking easier?",
            why_we_ask="To plan.",
            show_if={"question": "q1", "equals": ["By phone"]},
        ),
        now,
    )
    session.flush()
    return survey


def _texts(entries) -> list[str]:
    return [entry.question["text"] for entry in entries]


def test_search_finds_questions_by_words_in_any_order_and_answers(session, now):
    comms = make_staff(session, Role.COMMS)
    earlier = _earlier(session, comms, now, title="GP access")
    current = write_good_survey(session, comms, now, title="New survey")
    found = question_bank.search_bank(session, comms, current, BankSearch(text="gp BOOK"))
    assert _texts(found) == ["How do you usually book a GP appointment?"]
    by_answer = question_bank.search_bank(session, comms, current, BankSearch(text="online"))
    assert [(e.survey.id, e.question["key"]) for e in by_answer] == [(earlier.id, "q1")]


def test_filters_by_survey_and_type_and_leaves_out_equality_questions(session, now):
    comms = make_staff(session, Role.COMMS)
    earlier = _earlier(session, comms, now, title="GP access")
    other = write_good_survey(session, comms, now, title="Transport")
    current = authoring.create_survey(session, comms, plan(title="Current"), now)
    long_texts = question_bank.search_bank(
        session, comms, current, BankSearch(question_type="long_text")
    )
    assert {e.survey.id for e in long_texts} == {earlier.id, other.id}
    assert all(e.question["type"] == "long_text" for e in long_texts)
    only_earlier = question_bank.search_bank(
        session, comms, current, BankSearch(survey_id=earlier.id)
    )
    assert {e.question["key"] for e in only_earlier} == {"q1", "q2"}
    sex = question_bank.search_bank(session, comms, current, BankSearch(text="your sex"))
    assert sex == []  # the standard equality block is added whole, from the survey page


def test_a_place_team_sees_only_its_places_surveys(session, now):
    blackpool, cumbria = place(session, "blackpool"), place(session, "south-cumbria")
    comms = make_staff(session, Role.COMMS)
    own = make_staff(session, Role.PLACE, [blackpool])
    _earlier(session, comms, now, title="Cumbria GP", place_id=cumbria.id)
    icb_wide = _earlier(session, comms, now, title="ICB GP")
    mine = _earlier(session, own, now, title="Blackpool GP", place_id=blackpool.id)
    current = authoring.create_survey(session, own, plan(place_id=blackpool.id), now)
    found = question_bank.search_bank(session, own, current, BankSearch(text="GP"))
    assert {e.survey.id for e in found} == {mine.id}
    try:
        question_bank.copy_from_bank(session, own, current, icb_wide.id, "q1", 0, now)
    except question_bank.BankError as error:
        assert "not one you can reuse" in str(error)
    else:
        raise AssertionError("copied from a survey the user cannot see")


def test_with_no_search_the_suggestions_come_from_what_we_already_know(session, now):
    comms = make_staff(session, Role.COMMS)
    _earlier(session, comms, now, title="GP access")
    current = authoring.create_survey(
        session,
        comms,
        plan(
            title="Phone lines",
            already_known="In 2025 we asked how people book a GP appointment: most by phone.",
        ),
        now,
    )
    suggested = question_bank.search_bank(session, comms, current, BankSearch())
    assert "How do you usually book a GP appointment?" in _texts(suggested)


def test_copying_gives_a_new_key_and_drops_the_other_surveys_condition(session, now):
    comms = make_staff(session, Role.COMMS)
    earlier = _earlier(session, comms, now, title="GP access")
    current = write_good_survey(session, comms, now, title="Transport")
    key = question_bank.copy_from_bank(session, comms, current, earlier.id, "q2", 0, now)
    assert key == "q4"
    page, index = doc.find(current.content, key)
    copied = current.content["pages"][page]["questions"][index]
    assert page == 0 and copied["text"] == "What would make booking easier?"
    assert copied["show_if"] is None and copied["block"] is None
    assert doc.find(earlier.content, "q2")  # the source is unchanged


def test_past_results_are_offered_only_for_surveys_that_ran(session, now):
    comms = make_staff(session, Role.COMMS)
    earlier = _earlier(session, comms, now, title="GP access")
    current = authoring.create_survey(session, comms, plan(title="Current"), now)
    [first, *_] = question_bank.search_bank(session, comms, current, BankSearch(text="book"))
    assert not first.has_results
    earlier.status = SurveyStatus.CLOSED
    assert first.has_results


def test_the_bank_page_searches_without_writing_and_adds_by_post(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    earlier = _earlier(session, comms, now, title="GP access")
    earlier.status = SurveyStatus.CLOSED
    current = write_good_survey(session, comms, now, title="Transport")
    session.commit()
    login_as(comms)
    before = current.content
    page = client.get(f"/staff/surveys/{current.id}/bank", query_string={"q": "book", "page": 0})
    assert page.status_code == 200
    assert "How do you usually book a GP appointment?" in page.text
    assert f"/staff/surveys/{earlier.id}/results#question-q1" in page.text
    session.expire_all()
    assert session.get(Survey, current.id).content == before
    response = client.post(
        f"/staff/surveys/{current.id}/bank", data={"source": earlier.id, "key": "q1", "page": 0}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/surveys/{current.id}#question-q4"
    session.expire_all()
    assert doc.find(session.get(Survey, current.id).content, "q4") == (0, 3)


def test_bad_filters_get_messages_next_to_the_fields_and_no_errors_before_searching(
    session, client, login_as, now
):
    comms = make_staff(session, Role.COMMS)
    current = write_good_survey(session, comms, now)
    session.commit()
    login_as(comms)
    first = client.get(f"/staff/surveys/{current.id}/bank")
    assert first.status_code == 200 and "There is a problem" not in first.text
    bad = client.get(
        f"/staff/surveys/{current.id}/bank",
        query_string={"q": "x" * 300, "survey": "999999", "type": "nonsense"},
    )
    assert bad.status_code == 200 and "There is a problem" in bad.text
    assert "Use 200 characters or fewer" in bad.text and "Not a valid choice" in bad.text


def test_adding_a_question_that_is_gone_says_so(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    earlier = _earlier(session, comms, now, title="GP access")
    current = write_good_survey(session, comms, now)
    session.commit()
    login_as(comms)
    response = client.post(
        f"/staff/surveys/{current.id}/bank",
        data={"source": earlier.id, "key": "q99", "page": 0},
        follow_redirects=True,
    )
    assert "no longer in its survey" in response.text
    assert session.scalar(sa.select(sa.func.count(Survey.id))) == 2
