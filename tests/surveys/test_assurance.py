"""The assurance dashboard's figures equal a recount of the raw rows, say when they cannot be
worked out, and a place team's hold only its places."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from panel.auth.models import Role
from surveys.assurance import figures
from surveys.decisions import register
from surveys.models import GuidanceOverride
from surveys.results import publishing
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields, made_decision
from tests.surveys.results_helpers import closed_survey


def _one(session, sql: str, **params):
    return session.execute(sa.text(sql), params).scalar()


def test_with_nothing_run_the_shares_cannot_be_worked_out(session, now):
    dashboard = figures.assurance(session, make_staff(session, Role.OBSERVER), now)
    assert dashboard.exercises == 0 and dashboard.share_published is None
    assert dashboard.share_without_override is None
    assert dashboard.median_weeks_to_publish is None and dashboard.share_with_evidence is None


def test_every_figure_is_a_recount_of_the_rows(app, session, now):
    comms = make_staff(session, Role.COMMS)
    published = closed_survey(session, now)[0]
    other = closed_survey(session, now, members=False, place_id=place(session, "lancashire").id)[0]
    for rule in ("min_days", "sign_off"):
        session.add(GuidanceOverride(survey_id=other.id, rule=rule, reason="Urgent.", at=now))
    publishing.save_page(
        session,
        published,
        comms,
        {"why_we_asked": "Why.", "what_you_said": "Said.", "next_steps": "Next."},
        now,
    )
    with app.test_request_context():
        publishing.publish(session, published, comms, now + timedelta(days=10))
    made_decision(session, comms, published, now)
    register.create_decision(
        session, comms, fields(status="made", no_involvement_reason="Venue only."), now
    )
    register.create_decision(session, comms, fields(), now)  # proposed: not counted
    session.flush()
    later = now + timedelta(days=11)
    dashboard = figures.assurance(session, make_staff(session, Role.OBSERVER), later)
    start = later - timedelta(days=365)
    assert dashboard.members == _one(
        session, "SELECT count(*) FROM members WHERE status = 'active'"
    )
    assert {(row.name, row.members) for row in dashboard.by_place if row.members} == set(
        session.execute(
            sa.text(
                "SELECT p.name, count(m.id) FROM members m JOIN places p ON p.id = m.place_id "
                "WHERE m.status = 'active' GROUP BY p.name"
            )
        ).all()
    )
    assert dashboard.exercises == 2 == sum(count for _level, count in dashboard.by_level)
    assert sorted(dashboard.exercises_by_place) == sorted(
        (name or figures.NO_PLACE, count)
        for name, count in session.execute(
            sa.text(
                "SELECT p.name, count(s.id) FROM surveys s LEFT JOIN places p "
                "ON p.id = s.place_id WHERE s.status IN ('live', 'closed') GROUP BY p.name"
            )
        )
    )
    assert (dashboard.with_overrides, dashboard.overrides) == (
        _one(session, "SELECT count(DISTINCT survey_id) FROM survey_guidance_overrides"),
        _one(session, "SELECT count(*) FROM survey_guidance_overrides"),
    )
    assert dashboard.share_without_override == 1 - dashboard.with_overrides / 2
    closed = _one(session, "SELECT count(*) FROM surveys WHERE status = 'closed'")
    public = _one(
        session, "SELECT count(*) FROM survey_results_pages WHERE published_at IS NOT NULL"
    )
    assert (dashboard.closed, dashboard.published) == (closed, public) == (2, 1)
    assert dashboard.share_published == 0.5
    close = published.closed_at or published.closes_at
    assert dashboard.median_weeks_to_publish == round(
        (now + timedelta(days=10) - close).total_seconds() / (7 * 86400), 1
    )
    assert (dashboard.decisions, dashboard.decisions_with_evidence) == (2, 1)
    assert dashboard.share_with_evidence == 0.5
    assert start.date() == dashboard.start


def test_a_place_team_sees_its_places_figures_only(session, now):
    closed_survey(session, now)  # ICB-wide: 10 members in Blackpool, 12 in Lancashire
    team = make_staff(session, Role.PLACE, ["blackpool"])
    dashboard = figures.assurance(session, team, now)
    assert [row.name for row in dashboard.by_place] == ["Blackpool"]
    assert dashboard.members == _one(
        session,
        "SELECT count(*) FROM members m JOIN places p ON p.id = m.place_id "
        "WHERE m.status = 'active' AND p.code = 'blackpool'",
    )
    assert dashboard.exercises == 0  # the ICB-wide survey is not the place's
