"""A published survey per place and keys to read them, for the API tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from panel.api_keys.services import issue_api_key
from panel.auth.models import Role
from surveys.results import publishing
from tests.factories import make_staff, place
from tests.surveys.results_helpers import closed_survey


def published_survey(app, session, now, place_code: str | None = None):
    """The results helpers' closed survey (one count of 1 to hide), published with q1."""
    survey, _author = closed_survey(session, now, members=False)
    if place_code:
        survey.place_id = place(session, place_code).id
    comms = make_staff(session, Role.COMMS)
    words = {
        "why_we_asked": "Why.",
        "what_you_said": "What.",
        "next_steps": "Next.",
        "featured_questions": ["q1"],
    }
    with app.test_request_context():
        publishing.save_page(session, survey, comms, words, now)
        publishing.publish(session, survey, comms, now)
    session.commit()
    return survey


def key_for(session, scopes, place_code: str | None = None, days: int = 30):
    """A key issued now (real time: the API checks expiry against the clock); its secret."""
    comms = make_staff(session, Role.COMMS)
    now = datetime.now(UTC)
    key, secret = issue_api_key(
        session,
        comms,
        organisation="Healthwatch Blackpool",
        name="Website",
        scopes=list(scopes),
        place_id=place(session, place_code).id if place_code else None,
        expires_on=(now + timedelta(days=days)).date(),
        now=now,
    )
    session.commit()
    return key, secret


def bearer(secret: str) -> dict:
    """The header that sends a key."""
    return {"Authorization": f"Bearer {secret}"}
