"""Building surveys for the survey tests."""

from __future__ import annotations

from datetime import UTC, datetime

from surveys import content as doc
from surveys.models import AudienceKind, InvolvementLevel
from surveys.services import authoring

OPENS = datetime(2027, 6, 7, 8, 0, tzinfo=UTC)
CLOSES = datetime(2027, 7, 19, 22, 59, tzinfo=UTC)


def plan(**overrides) -> authoring.Plan:
    values = {
        "title": "Getting to hospital appointments",
        "purpose": "To learn how people travel to hospital appointments.",
        "decision": "Where to run the new shuttle bus.",
        "already_known": "The 2025 transport survey found parking was the main worry.",
        "equality_considerations": "Disabled people and people without cars.",
        "audience": AudienceKind.PANEL,
        "segment_id": None,
        "involvement": InvolvementLevel.LISTEN,
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "formal_consultation": False,
        "urgent_reason": "",
        "anonymous": True,
        "place_id": None,
    }
    values.update(overrides)
    return authoring.Plan(**values)


def good_questions() -> list[dict]:
    why = "To decide where the shuttle bus should stop."
    return [
        doc.question(
            "q1",
            "single_choice",
            "How did you travel to your last appointment?",
            why_we_ask=why,
            options=["Car", "Bus", "Walking", "Taxi"],
        ),
        doc.question(
            "q2",
            "rating_scale",
            "How easy was it to find a parking space?",
            why_we_ask=why,
            dont_know=True,
            options=[
                "Very easy",
                "Easy",
                "Neither easy nor difficult",
                "Difficult",
                "Very difficult",
            ],
            show_if={"question": "q1", "equals": ["Car"]},
        ),
        doc.question(
            "q3",
            "long_text",
            "What would make getting to appointments easier?",
            why_we_ask=why,
            required=False,
            max_length=2000,
        ),
    ]


def write_good_survey(session, user, now, **plan_overrides):
    survey = authoring.create_survey(session, user, plan(**plan_overrides), now)
    for question in good_questions():
        authoring.save_question(survey, 0, question, now)
    authoring.add_equality_block(survey, now)
    session.flush()
    return survey
