"""Changing a "you said, we did" decision after the results page is public: the earlier wording
is kept, the public page says "updated on" and shows it, the change is audited, nobody is
emailed again, and bad values are field errors that keep what was typed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.results import decision_changes, publishing
from surveys.results.models import DecisionChange
from tests.factories import make_staff
from tests.surveys.results_helpers import closed_survey


@pytest.fixture
def published(app, session, now):
    """A closed survey with a public results page and one decision, told to the participants."""
    survey = closed_survey(session, now)[0]
    user = make_staff(session, Role.COMMS)
    publishing.save_page(
        session,
        survey,
        user,
        {
            "why_we_asked": "Why.",
            "what_you_said": "Bus.",
            "next_steps": "Next.",
            "topic": "hospitals",
        },
        now,
    )
    with app.test_request_context():
        publishing.publish(session, survey, user, now)
        decision = publishing.add_decision(
            session,
            survey,
            user,
            "Buses are rare",
            "did",
            "Two more an hour",
            date(2027, 1, 5),
            now,
        )
    session.commit()
    return survey, decision, user


def test_a_change_keeps_the_earlier_wording_and_is_audited(session, published, now):
    survey, decision, user = published
    emails = session.scalar(sa.select(sa.func.count(OutboundEmail.id)))
    later = now + timedelta(days=3)
    assert decision_changes.change_decision(
        session,
        decision,
        user,
        "Buses are rare",
        "did_not",
        "The funding was cut",
        date(2027, 2, 1),
        later,
    )
    assert (
        decision_changes.change_decision(
            session,
            decision,
            user,
            "Buses are rare",
            "did_not",
            "The funding was cut",
            date(2027, 2, 1),
            later,
        )
        is False
    )  # nothing changed: nothing recorded
    session.commit()
    history = decision_changes.changes(session, survey)[decision.id]
    assert [(c.outcome.value, c.action, c.decided_on) for c in history] == [
        ("did", "Two more an hour", date(2027, 1, 5))
    ]
    assert decision.action == "The funding was cut" and decision.updated_at == later
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == emails
    audited = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "results.decision_change")
    ).all()
    assert len(audited) == 1


@pytest.mark.parametrize(
    ("you_said", "outcome", "action", "field"),
    [("  ", "did", "x", "you_said"), ("x", "maybe", "x", "outcome"), ("x", "did", "", "action")],
)
def test_an_empty_or_unknown_value_names_its_field(
    session, published, now, you_said, outcome, action, field
):
    _survey, decision, user = published
    with pytest.raises(publishing.PublishingError) as error:
        decision_changes.change_decision(
            session, decision, user, you_said, outcome, action, date(2027, 1, 5), now
        )
    assert error.value.field == field
    assert session.scalar(sa.select(sa.func.count(DecisionChange.id))) == 0


def test_the_public_page_says_updated_on_and_shows_what_it_said(
    client, login_as, session, published
):
    survey, decision, user = published
    login_as(user)
    path = f"/staff/surveys/{survey.id}/results/decisions/{decision.id}"
    assert client.get(path).status_code == 200
    bad = client.post(
        path,
        data={
            "you_said": "Buses are rare",
            "outcome": "did",
            "action": "",
            "decided_on": "2027-01-05",
        },
    )
    assert bad.status_code == 400 and "Say what we did, or why we did not" in bad.text
    assert "Buses are rare" in bad.text  # what was typed is kept
    saved = client.post(
        path,
        data={
            "you_said": "Buses are rare",
            "outcome": "doing",
            "action": "A trial from May",
            "decided_on": "2027-03-01",
        },
    )
    assert saved.status_code == 302
    public = client.get(f"/engagement/{survey.id}").text
    assert "A trial from May" in public and "updated on" in public
    assert "What this said before it was updated" in public and "Two more an hour" in public
    editor = client.get(f"/staff/surveys/{survey.id}/results/page").text
    assert f'href="{path}"' in editor


def test_another_surveys_decision_is_not_found(client, login_as, session, published, now):
    survey, decision, user = published
    other = closed_survey(session, now)[0]
    login_as(user)
    assert (
        client.get(f"/staff/surveys/{other.id}/results/decisions/{decision.id}").status_code == 404
    )
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    assert (
        client.get(f"/staff/surveys/{survey.id}/results/decisions/{decision.id}").status_code == 404
    )
