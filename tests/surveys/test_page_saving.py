"""Saving an answered page from a link, the path every page a respondent answers takes: the
service without HTTP, and a live typo correction honoured by the very next page saved."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from panel.extensions import db
from surveys.fieldwork import answering, respondent
from surveys.fieldwork.invitations import create_open_link
from surveys.fieldwork.models import Answer, SurveyResponse
from surveys.services import lifecycle
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


def _open_response(session, survey, author, now):
    link = create_open_link(session, survey, author, "Blackburn community event", now)
    response, token = answering.start_open(session, survey, link, now)
    session.commit()
    return response, token


def _stored(session, response_id):
    return dict(
        session.execute(
            sa.select(Answer.question_key, Answer.value).where(Answer.response_id == response_id)
        ).all()
    )


def test_saving_a_page_from_an_open_link(app, session, real_now):
    survey, author = live_survey(session, real_now)
    response, token = _open_response(session, survey, author, real_now)
    response_id = response.id

    def save(index, typed, now=real_now, kind="r", link=token):
        return respondent.save_answered_page(db.engine, app, kind, link, index, typed, now)

    # Not for this function to answer: unknown links, pages that do not apply, closed surveys.
    assert save(0, {"q1": ["Bus"]}, link="not-a-token") is None
    assert save(0, {"q1": ["Bus"]}, kind="s") is None
    assert save(1, {"q3": ["Station"]}) is None  # page 2 is only for bus users
    assert save(7, {}) is None
    assert save(0, {"q1": ["Bus"]}, now=survey.closes_at) is None
    # Errors come back and nothing is written.
    result = save(0, {"q1": ["Helicopter"]})
    assert result.errors == {"q1": "Choose one of the answers shown"}
    assert _stored(session, response_id) == {}
    # A good page is committed and says where to go next, branching applied.
    assert save(0, {"q1": ["Bus"], "q1-comment": ["Late again"]}).next_page == 1
    assert save(1, {"q3": ["Station", "Hospital"]}).next_page == 2
    assert save(2, {"q5": ["12"]}).next_page == 3
    assert save(3, {}).next_page is None  # equality questions are optional; then the check
    assert _stored(session, response_id) == {
        "q1": "Bus",
        "q3": ["Station", "Hospital"],
        "q5": "12",
    }
    # Saving a page again replaces its answers rather than adding to them.
    assert save(0, {"q1": ["Walking"]}).next_page == 2
    assert _stored(session, response_id)["q1"] == "Walking"
    assert session.scalar(sa.select(sa.func.count(Answer.id))) == 3
    session.expire_all()
    assert session.get(SurveyResponse, response_id).furthest_page == 4


def test_a_typo_corrected_while_live_applies_to_the_next_page_saved(app, session, client, real_now):
    survey, author = live_survey(session, real_now)
    _response, token = _open_response(session, survey, author, real_now)
    page = f"/r/{token}/page/1"
    assert client.post(page, data={"q1": "Walking"}).status_code == 302
    lifecycle.correct_typo(
        session,
        survey,
        author,
        "q1",
        "How did you travel here?",
        ["Cars", "Bus", "Walking"],
        "Plural, as in the leaflet",
        real_now + timedelta(minutes=1),
    )
    session.commit()
    refused = client.post(page, data={"q1": "Car"})
    assert refused.status_code == 400 and "Choose one of the answers shown" in refused.text
    assert client.post(page, data={"q1": "Cars"}).status_code == 302
    assert session.scalar(sa.select(Answer.value).where(Answer.question_key == "q1")) == "Cars"


@pytest.mark.postgres_only
def test_a_save_that_waited_for_another_tab_replaces_what_that_tab_saved(app, session, real_now):
    """The save reads the answers only once it holds the response's row, so a page it found
    never answered (no DELETE then) cannot have been answered meanwhile by another tab."""
    survey, author = live_survey(session, real_now)
    response, token = _open_response(session, survey, author, real_now)
    response_id, answers = response.id, Answer.__table__
    other_tab = db.engine.connect()
    other_tab.begin()
    other_tab.execute(
        sa.select(SurveyResponse.id).where(SurveyResponse.id == response_id).with_for_update()
    )
    saved = []

    def this_tab():
        with app.app_context():
            saved.append(
                respondent.save_answered_page(
                    db.engine, app, "r", token, 0, {"q1": ["Walking"]}, real_now
                )
            )

    thread = threading.Thread(target=this_tab)
    thread.start()
    waiting = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")
    while thread.is_alive() and not other_tab.execute(waiting).scalar():
        pass  # until this tab's save waits for the row the other tab holds
    other_tab.execute(
        sa.insert(answers).values(
            response_id=response_id, question_key="q1", value="Bus", other_text="", comment=""
        )
    )
    other_tab.commit()
    other_tab.close()
    thread.join()
    assert saved[0] is not None and saved[0].errors == {}
    assert _stored(session, response_id) == {"q1": "Walking"}
