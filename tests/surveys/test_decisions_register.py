"""The decisions register's services: what a decision must say, the moves its status may make,
links to the involvement behind it (with "we did" or "we did not, because"), publishing without
involvement only with a reason, and place teams keeping only their places' decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.decisions import public, register
from surveys.decisions.models import DecisionRecord, DecisionStatus
from surveys.decisions.register import DecisionError, LinkFields
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields, made_decision, survey_link
from tests.surveys.results_helpers import closed_survey


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body_kind": "parish_council"}, "body_kind"),
        ({"body_name": ""}, "body_name"),
        ({"owner_name": " "}, "owner_name"),
        ({"duty_applies": None}, "duty_applies"),
        ({"duty_reason": ""}, "duty_reason"),
        ({"paper_url": "javascript:alert(1)"}, "paper_url"),
        ({"paper_url": "ftp://example.org/paper.pdf"}, "paper_url"),
        ({"paper_url": "//example.org/paper"}, "paper_url"),
        ({"status": "made", "decided_on": date(2027, 1, 1)}, "decided_on"),
        ({"status": "postponed"}, "status"),
        ({"place_id": 2_000_000}, "place_id"),
    ],
)
def test_a_missing_or_bad_value_names_its_field_and_saves_nothing(session, now, overrides, field):
    user = make_staff(session, Role.COMMS)
    with pytest.raises(DecisionError) as error:
        register.create_decision(session, user, fields(**overrides), now)
    assert error.value.field == field
    assert session.scalar(sa.select(sa.func.count(DecisionRecord.id))) == 0


def test_status_moves_only_forward_and_each_move_is_recorded(session, now):
    user = make_staff(session, Role.COMMS)
    decision = register.create_decision(session, user, fields(), now)
    with pytest.raises(DecisionError, match="proposed cannot become implemented"):
        register.change_status(session, decision, user, "implemented", now)
    register.change_status(session, decision, user, "made", now)
    register.change_status(session, decision, user, "reviewed", now + timedelta(days=90))
    with pytest.raises(DecisionError, match="reviewed cannot become made"):
        register.change_status(session, decision, user, "made", now)
    assert [c.status for c in public.timeline(session, decision)] == [
        DecisionStatus.PROPOSED,
        DecisionStatus.MADE,
        DecisionStatus.REVIEWED,
    ]
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == "decision")
    ).all()
    assert actions == ["decision.create", "decision.status", "decision.status"]


def test_a_decision_without_involvement_is_published_only_with_the_reason(session, now):
    user = make_staff(session, Role.COMMS)
    decision = register.create_decision(session, user, fields(), now)
    with pytest.raises(DecisionError, match="say why there was none"):
        register.publish(session, decision, user, now)
    register.update_decision(
        session, decision, user, fields(no_involvement_reason="Only a change of venue."), now
    )
    register.publish(session, decision, user, now)
    assert public.published_decision(session, decision.id) is decision
    with pytest.raises(DecisionError, match="no_involvement_reason|why no public"):
        register.update_decision(session, decision, user, fields(), now)


def test_links_say_what_people_said_and_why_not_when_not_used(session, now):
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now, members=False)[0]
    decision = register.create_decision(session, user, fields(), now)
    with pytest.raises(DecisionError) as error:
        register.add_link(
            session, decision, user, survey_link(survey.id, outcome="did_not", how_used=""), now
        )
    assert error.value.field == "how_used" and str(error.value) == "Say why we did not"
    bad_other = LinkFields(
        kind="other",
        other_kind="partner_report",
        other_title="Healthwatch report",
        other_date=date(2026, 9, 1),
        other_url="javascript:alert(1)",
        people_said="x",
        outcome="did",
        how_used="y",
    )
    with pytest.raises(DecisionError) as error:
        register.add_link(session, decision, user, bad_other, now)
    assert error.value.field == "other_url"
    register.add_link(session, decision, user, survey_link(survey.id), now)
    bad_other.other_url = "https://example.org/healthwatch"
    report = register.add_link(session, decision, user, bad_other, now)
    assert [link.title for link in decision.links] == [survey.title, "Healthwatch report"]
    register.publish(session, decision, user, now)
    later = register.create_decision(session, user, fields(title="Review"), now)
    register.add_link(
        session,
        later,
        user,
        LinkFields(
            kind="decision",
            earlier_decision_id=decision.id,
            people_said="a",
            outcome="did",
            how_used="b",
        ),
        now,
    )
    register.remove_link(session, decision, user, report.id, now)
    only = decision.links[0].id
    with pytest.raises(DecisionError, match="only involvement"):
        register.remove_link(session, decision, user, only, now)
    assert public.decisions_using_survey(session, survey.id) == [decision]


def test_we_did_is_published_when_a_public_decision_is_made(session, now):
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now, members=False)[0]
    decision = register.create_decision(session, user, fields(), now - timedelta(days=30))
    register.add_link(session, decision, user, survey_link(survey.id), now - timedelta(days=30))
    register.publish(session, decision, user, now - timedelta(days=29))
    assert decision.we_did_published_at is None  # proposed: nothing done yet
    register.change_status(session, decision, user, "made", now)
    assert decision.we_did_published_at == now


def test_a_place_team_keeps_only_its_places_decisions(session, now):
    comms = make_staff(session, Role.COMMS)
    team = make_staff(session, Role.PLACE, ["blackpool"])
    blackpool, lancashire = place(session, "blackpool"), place(session, "lancashire")
    ours = register.create_decision(session, team, fields(place_id=blackpool.id), now)
    register.create_decision(session, comms, fields(place_id=lancashire.id), now)
    icb_wide = register.create_decision(session, comms, fields(), now)
    for place_id in (lancashire.id, None):
        with pytest.raises(DecisionError) as error:
            register.create_decision(session, team, fields(place_id=place_id), now)
        assert error.value.field == "place_id"
    assert register.decisions_for(session, team) == [ours]
    assert len(register.decisions_for(session, comms)) == 3
    elsewhere = closed_survey(session, now, members=False, place_id=lancashire.id)[0]
    with pytest.raises(DecisionError) as error:
        register.add_link(session, ours, team, survey_link(elsewhere.id), now)
    assert error.value.field == "survey_id"
    with pytest.raises(DecisionError) as error:
        register.add_link(
            session,
            ours,
            team,
            LinkFields(
                kind="decision",
                earlier_decision_id=icb_wide.id,
                people_said="a",
                outcome="did",
                how_used="b",
            ),
            now,
        )
    assert error.value.field == "earlier_decision_id"


def test_the_public_index_filters_by_place_body_and_status(session, now):
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now, members=False)[0]
    made = made_decision(session, user, survey, now)
    lancashire = place(session, "lancashire")
    local = register.create_decision(
        session,
        user,
        fields(place_id=lancashire.id, body_kind="place_board", no_involvement_reason="None."),
        now,
    )
    register.publish(session, local, user, now)
    register.create_decision(session, user, fields(title="Not public"), now)
    everything = public.published_decisions(session, public.PublicFilters())
    assert {d.id for d in everything} == {made.id, local.id}
    by = public.published_decisions
    assert by(session, public.PublicFilters(place_id=lancashire.id)) == [local]
    assert by(session, public.PublicFilters(icb_wide=True)) == [made]
    assert by(session, public.PublicFilters(status=DecisionStatus.MADE)) == [made]
    assert by(session, public.PublicFilters(body_kind=register.BodyKind.PLACE_BOARD)) == [local]
