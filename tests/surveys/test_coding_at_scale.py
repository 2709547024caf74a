"""Coding comments at the scale of a real consultation (2,000 comments): a page at a time,
searchable, narrowed to the uncoded, one theme applied to many comments at once; every count
shown equals a recount of the rows, after any sequence of bulk codings."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.results import coding, themes
from surveys.results.models import Theme, ThemeCoding
from tests.factories import make_staff, place
from tests.surveys.results_helpers import closed_survey

MANY = 2000
WORDS = ["parking", "buses", "waiting times", "friendly staff", "signs"]


def _add_comments(session, survey, now, count: int = MANY) -> None:
    place_id = place(session, "blackpool").id
    responses = [
        SurveyResponse(
            survey_id=survey.id,
            status=ResponseStatus.SUBMITTED,
            submitted_at=now,
            started_at=now,
            updated_at=now,
            place_id=place_id,
            source="Healthwatch",
        )
        for _ in range(count)
    ]
    session.add_all(responses)
    session.flush()
    session.add_all(
        Answer(
            response_id=response.id,
            question_key="q1",
            value="Car",
            comment=f"Comment {n} about {WORDS[n % len(WORDS)]}",
        )
        for n, response in enumerate(responses)
    )
    session.commit()


@pytest.fixture
def big_survey(session, now):
    survey = closed_survey(session, now)[0]
    _add_comments(session, survey, now)
    for name in ("Parking", "Buses", "Staff"):
        themes.create(session, survey, name, now)
    session.commit()
    return survey


def _recount_uncoded(session, survey) -> int:
    coded = set(
        session.execute(
            sa.select(ThemeCoding.answer_id, ThemeCoding.part)
            .join(Theme, Theme.id == ThemeCoding.theme_id)
            .where(Theme.survey_id == survey.id)
        )
    )
    return sum(1 for a, p, _t in themes.texts(session, survey) if (a, p) not in coded)


def test_two_thousand_comments_a_page_at_a_time_with_true_counts(session, big_survey):
    everything = themes.texts(session, big_survey)
    assert len(everything) >= MANY
    first = coding.coding_page(session, big_survey)
    assert first.total == len(everything) == first.uncoded == first.matching
    assert len(first.items) == coding.PAGE_SIZE
    assert first.pages == math.ceil(len(everything) / coding.PAGE_SIZE)
    last = coding.coding_page(session, big_survey, page=10**6)
    assert last.page == first.pages and 0 < len(last.items) <= coding.PAGE_SIZE
    found = coding.coding_page(session, big_survey, search="PARKING")
    assert found.matching == sum(1 for _a, _p, t in everything if "parking" in t.lower())
    assert found.matching == MANY // len(WORDS)


def test_one_theme_applied_to_many_comments_at_once(session, big_survey):
    parking = next(t for t in themes.themes(session, big_survey) if t.name == "Parking")
    page = coding.coding_page(session, big_survey, search="parking")
    chosen = [(item.answer_id, item.part) for item in page.items]
    assert coding.code_many(session, big_survey, parking.id, chosen) == len(chosen)
    assert coding.code_many(session, big_survey, parking.id, chosen) == 0  # again: no change
    session.commit()
    after = coding.coding_page(session, big_survey, uncoded_only=True)
    assert after.uncoded == page.total - len(chosen) == _recount_uncoded(session, big_survey)
    assert after.matching == after.uncoded
    assert not {(i.answer_id, i.part) for i in after.items} & set(chosen)
    coded = coding.coding_page(session, big_survey, search="parking").items
    assert all(item.themes == ["Parking"] for item in coded)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 2), st.lists(st.integers(0, MANY - 1), min_size=1, max_size=60)),
        min_size=1,
        max_size=4,
    )
)
def test_uncoded_always_equals_a_recount(session, big_survey, steps):
    survey_themes = themes.themes(session, big_survey)
    everything = themes.texts(session, big_survey)
    for theme_index, picks in steps:
        chosen = [everything[i][:2] for i in picks]
        coding.code_many(session, big_survey, survey_themes[theme_index].id, chosen)
        page = coding.coding_page(session, big_survey, uncoded_only=True)
        assert page.uncoded == _recount_uncoded(session, big_survey) == page.matching
    session.rollback()


@pytest.mark.parametrize(
    ("chosen", "field", "message"),
    [
        ([], "comments", "Choose at least one comment"),
        ([(999999999, "comment")], "comments", "Choose comments from the list"),
        ([(1, "nonsense")], "comments", "Choose comments from the list"),
        ([(1, "comment")] * (coding.MAX_AT_ONCE + 1), "comments", "or fewer at once"),
    ],
)
def test_bad_choices_are_named(session, big_survey, chosen, field, message):
    theme = themes.themes(session, big_survey)[0]
    with pytest.raises(themes.ThemeError) as error:
        coding.code_many(session, big_survey, theme.id, chosen)
    assert error.value.field == field and message in str(error.value)


def test_the_coding_page_through_the_web(client, login_as, session, big_survey, now):
    login_as(make_staff(session, Role.COMMS))
    path = f"/staff/surveys/{big_survey.id}/results/coding"
    total = len(themes.texts(session, big_survey))
    page = client.get(path)
    assert page.status_code == 200
    assert f"{total:,} of {total:,} comments still uncoded" in page.text
    assert "nhsuk-error-message" not in page.text and f"{path}?page=2" in page.text
    items = coding.coding_page(session, big_survey, search="buses").items[:3]
    theme = themes.themes(session, big_survey)[1]
    keys = [item.key for item in items]
    saved = client.post(f"{path}?q=buses", data={"comments": keys, "theme_id": theme.id})
    assert saved.status_code == 302 and "q=buses" in saved.location
    assert f"{total - 3:,} of {total:,} comments still uncoded" in client.get(path).text
    empty = client.post(path, data={"theme_id": theme.id})
    assert empty.status_code == 400 and "Choose at least one comment" in empty.text
    other = closed_survey(session, now)[0]
    foreign = themes.create(session, other, "Elsewhere", now)
    session.commit()
    forged = client.post(path, data={"comments": keys, "theme_id": foreign.id})
    assert forged.status_code == 400 and "Not a valid choice" in forged.text
    assert "checked" in forged.text  # the ticks are kept
    junk = client.post(path, data={"comments": ["x-y", "12-"], "theme_id": theme.id})
    assert junk.status_code == 400 and "Choose comments from the list" in junk.text
    observer = make_staff(session, Role.OBSERVER)
    login_as(observer)
    assert client.get(path).status_code == 403
