"""The builder's check-answers step: every "Change" link comes back to it after saving, and a
``return_to`` that is not one of the allowed pages never sends anyone elsewhere."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from tests.factories import make_staff
from tests.surveys.helpers import write_good_survey
from tests.surveys.test_survey_pages import PLAN


@pytest.fixture
def drafted(session, client, login_as, now):
    author = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, author, now)
    session.commit()
    login_as(author)
    return survey


def test_check_page_lists_the_plan_and_every_question_with_change_links(client, drafted):
    page = client.get(f"/staff/surveys/{drafted.id}/check")
    assert page.status_code == 200
    assert "How did you travel to your last appointment?" in page.text
    assert f"/staff/surveys/{drafted.id}/plan?return_to=check#purpose" in page.text
    assert f"/staff/surveys/{drafted.id}/questions/q1?return_to=check" in page.text
    assert 'value="submit"' in page.text


def test_changing_a_question_from_the_check_page_comes_back_to_it(client, drafted):
    url = f"/staff/surveys/{drafted.id}/questions/q3?return_to=check"
    form = client.get(url)
    assert f'href="/staff/surveys/{drafted.id}/check#question-q3"' in form.text
    response = client.post(
        url,
        data={
            "type": "long_text",
            "text": "What would make getting to your appointments easier?",
            "why_we_ask": "To plan transport.",
            "max_length": "2000",
            "show_if_key": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/surveys/{drafted.id}/check#question-q3"
    assert "your appointments easier" in client.get(f"/staff/surveys/{drafted.id}/check").text


def test_changing_the_plan_from_the_check_page_comes_back_to_it(client, drafted):
    url = f"/staff/surveys/{drafted.id}/plan?return_to=check"
    response = client.post(url, data={**PLAN, "purpose": "To learn about travel to hospital."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/surveys/{drafted.id}/check#plan"


def test_a_refused_change_stays_on_the_form_and_keeps_the_way_back(client, drafted):
    url = f"/staff/surveys/{drafted.id}/plan?return_to=check"
    page = client.post(url, data={**PLAN, "purpose": ""})
    assert page.status_code == 200 and "Say what the survey is for" in page.text
    assert f'href="/staff/surveys/{drafted.id}/check#plan"' in page.text


def test_without_return_to_saving_goes_to_the_survey_page(client, drafted):
    response = client.post(f"/staff/surveys/{drafted.id}/plan", data=PLAN)
    assert response.headers["Location"] == f"/staff/surveys/{drafted.id}#plan"


EVIL = [
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\t//evil.example",
    "%2F%2Fevil.example",
    "/staff/surveys/",
    "check/../../x",
    "CHECK",
]


@pytest.mark.parametrize("target", EVIL)
def test_a_return_to_outside_the_allow_list_is_ignored(client, drafted, target):
    response = client.post(
        f"/staff/surveys/{drafted.id}/plan", query_string={"return_to": target}, data=PLAN
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/surveys/{drafted.id}#plan"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(target=st.text(max_size=40))
def test_any_return_to_lands_on_this_survey(client, drafted, target):
    response = client.get(
        f"/staff/surveys/{drafted.id}/questions/q1", query_string={"return_to": target}
    )
    assert response.status_code == 200
    back = response.text.split('class="nhsuk-back-link" href="', 1)[1].split('"', 1)[0]
    assert back.startswith(f"/staff/surveys/{drafted.id}")
