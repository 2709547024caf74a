"""The builder offers the standard scales for a rating question, with the one its wording asks
for selected and the reason shown; the answers stay editable through "Custom"; without
JavaScript it takes one extra step at most."""

from __future__ import annotations

import re

import pytest

from panel.auth.models import Role
from surveys import content as doc
from surveys.guidance.standard_scales import SCALES
from surveys.models import Survey
from tests.factories import make_staff
from tests.surveys.helpers import write_good_survey

LIKELY = "How likely are you to recommend the pharmacy to a friend?"


@pytest.fixture
def survey(session, login_as, now):
    author = make_staff(session, Role.COMMS)
    survey = write_good_survey(session, author, now)
    session.commit()
    login_as(author)
    return survey


def _checked(html: str) -> list[str]:
    """The values of the answer scale radios that are selected."""
    radios = re.findall(r'<input[^>]*name="scale"[^>]*>', html)
    assert radios, "no answer scale radios on the page"
    return [re.search(r'value="([^"]*)"', r).group(1) for r in radios if "checked" in r]


def _post(client, survey, **fields):
    data = {
        "type": "rating_scale",
        "why_we_ask": "To plan.",
        "required": "y",
        "show_if_key": "",
        **fields,
    }
    return client.post(f"/staff/surveys/{survey.id}/pages/0/questions/new", data=data)


def _saved(session, survey, key="q4") -> dict:
    session.expire_all()
    found = session.get(Survey, survey.id)
    return next(q for q in doc.questions(found.content) if q["key"] == key)


def test_the_builder_offers_every_standard_scale_and_custom(client, survey):
    page = client.get(f"/staff/surveys/{survey.id}/pages/0/questions/new").text
    values = re.findall(r'name="scale" type="radio" value="([^"]*)"', page)
    assert values == [*SCALES, "custom"]
    for scale in SCALES.values():
        assert ", ".join(scale.options) in page
    assert _checked(page) == []  # nothing to suggest from before the question is written
    assert "suggested when you save" in page


def test_without_a_scale_chosen_the_suggestion_is_selected_with_its_reason_then_saved(
    session, client, survey
):
    page = _post(client, survey, text=LIKELY, dont_know="y")
    assert page.status_code == 200 and "There is a problem" in page.text
    assert _checked(page.text) == ["likelihood"]
    assert "likelihood is suggested, as the question asks how likely something is" in page.text
    assert "it says “How likely”" in page.text.replace("&#34;", '"')
    assert "Very likely\nLikely\n" in page.text  # filled in, ready to change under "Custom"
    assert LIKELY in page.text  # what was typed is kept
    assert "recommend the pharmacy" not in str(session.get(Survey, survey.id).content)
    # The one extra step: save again as it stands.
    saved = _post(
        client,
        survey,
        text=LIKELY,
        dont_know="y",
        scale="likelihood",
        options="\n".join(SCALES["likelihood"].options),
    )
    assert saved.status_code == 302
    assert _saved(session, survey)["options"] == [*SCALES["likelihood"].options, "Don't know"]


def test_a_scale_chosen_straight_away_is_saved_in_one_step(session, client, survey):
    saved = _post(client, survey, text="How often do you use the pharmacy?", scale="frequency")
    assert saved.status_code == 302
    assert _saved(session, survey)["options"] == list(SCALES["frequency"].options)


def test_custom_keeps_the_typed_answers_and_another_scale_replaces_a_filled_in_one(
    session, client, survey
):
    mine = "Very satisfied\nQuite satisfied\nNot sure\nQuite unhappy\nVery unhappy"
    saved = _post(client, survey, text="How satisfied were you?", scale="custom", options=mine)
    assert saved.status_code == 302
    assert _saved(session, survey)["options"] == mine.splitlines()
    # A standard scale left in the box gives way to the scale chosen.
    again = _post(
        client,
        survey,
        text="How satisfied were you with the food?",
        scale="satisfaction",
        options="\n".join(SCALES["quality"].options),
    )
    assert again.status_code == 302
    assert _saved(session, survey, "q5")["options"] == list(SCALES["satisfaction"].options)


def test_typed_answers_are_never_dropped_for_a_scale(session, client, survey):
    page = _post(
        client,
        survey,
        text="How satisfied were you?",
        scale="agreement",
        options="Thrilled\nFine\nCross",
    )
    assert page.status_code == 200
    error = page.text.split('id="scale-error"', 1)[1].split("</span>", 2)[1]
    assert "choose “Custom” to keep them" in error.replace("&#34;", '"')
    assert "Thrilled\nFine\nCross" in page.text and _checked(page.text) == ["agreement"]
    empty = _post(client, survey, text="How satisfied were you?", scale="custom")
    assert empty.status_code == 200 and "Type the answers below" in empty.text


def test_editing_a_rating_question_selects_its_own_scale_and_shows_the_suggestion(
    session, client, survey, now
):
    from surveys.services import authoring

    stored = doc.question(
        "q4",
        "rating_scale",
        "How often do you collect prescriptions?",
        why_we_ask="To plan.",
        options=list(SCALES["ease"].options),
    )
    authoring.save_question(survey, 0, stored, now)
    session.commit()
    page = client.get(f"/staff/surveys/{survey.id}/questions/q4").text
    assert _checked(page) == ["ease"]
    assert "Suggested for this question: frequency" in page
    custom = doc.question(
        "q5", "rating_scale", "How was it?", why_we_ask="To plan.", options=["Great", "Fine", "Bad"]
    )
    authoring.save_question(survey, 0, custom, now)
    session.commit()
    page = client.get(f"/staff/surveys/{survey.id}/questions/q5").text
    assert _checked(page) == ["custom"] and "Great\nFine\nBad" in page
    assert "general default" in page
    # The mismatch is shown with the question on the survey page, naming the scale to use.
    card = client.get(f"/staff/surveys/{survey.id}").text.split('id="question-q4"', 1)[1]
    card = card.split('class="nhsuk-card app-question"')[0]
    assert "nhsuk-tag--red" in card and "Use the frequency scale: Always, Often" in card


def test_other_types_ignore_the_scale(session, client, survey):
    saved = client.post(
        f"/staff/surveys/{survey.id}/pages/0/questions/new",
        data={
            "type": "single_choice",
            "text": "Which pharmacy do you use?",
            "scale": "ease",
            "options": "Boots\nLloyds",
            "why_we_ask": "To plan.",
            "show_if_key": "",
        },
    )
    assert saved.status_code == 302
    assert _saved(session, survey)["options"] == ["Boots", "Lloyds"]
