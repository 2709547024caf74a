"""A decision in the register linked to the hand-counted closed survey (tests.surveys
.results_helpers: 10 people in Blackpool and 12 in Lancashire took part)."""

from __future__ import annotations

from datetime import date, timedelta

from surveys.decisions import register
from surveys.decisions.register import DecisionFields, LinkFields


def fields(**overrides) -> DecisionFields:
    """A valid decision's details, with ``overrides``."""
    values = {
        "title": "Later bus services to the hospital",
        "summary": "Two more buses an hour in the evening.",
        "decided_on": date(2026, 11, 1),
        "body_kind": "board",
        "body_name": "ICB Board",
        "place_id": None,
        "paper_reference": "B-2026-11-04",
        "paper_url": "https://example.org/papers/b-2026-11-04",
        "owner_name": "Director of Strategy",
        "duty_applies": True,
        "duty_reason": "It changes how people reach the hospital.",
        "no_involvement_reason": "",
        "status": "proposed",
    }
    return DecisionFields(**{**values, **overrides})


def survey_link(survey_id: int, **overrides) -> LinkFields:
    """A link to a survey whose findings were used."""
    values = {
        "kind": "survey",
        "survey_id": survey_id,
        "people_said": "Buses after 6pm are rare.",
        "outcome": "did",
        "how_used": "Two more buses an hour until 9pm.",
    }
    return LinkFields(**{**values, **overrides})


def made_decision(session, user, survey, now, *, made_on: date | None = None):
    """A published decision, made ``made_on`` (a week before ``now`` unless given), that the
    survey informed."""
    made_on = made_on or (now - timedelta(days=7)).date()
    decision = register.create_decision(
        session, user, fields(decided_on=made_on), now - timedelta(days=20)
    )
    register.add_link(session, decision, user, survey_link(survey.id), now - timedelta(days=20))
    register.change_status(session, decision, user, "made", now - timedelta(days=7))
    register.publish(session, decision, user, now - timedelta(days=6))
    session.flush()
    return decision
