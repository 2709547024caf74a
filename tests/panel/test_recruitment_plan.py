"""The recruitment plan (issue 26 point 1): targets recomputed from the Census figures here,
scores against a hand count, forecasts, sign-ups per month against a recount, the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.models import EqualityProfile, RecruitmentSource
from panel.members.reference import ETHNIC_GROUP_SUMMARY
from panel.places.models import Place, PopulationFigure
from panel.recruitment import plan as plans
from panel.recruitment import targets
from panel.recruitment.signups import signup_tables
from tests.factories import make_member, make_staff, place

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def _population_split(session, total: int, skip=()) -> dict[str, int]:
    """Largest remainder by population, worked out here from the places' Census totals."""
    places = [p for p in session.scalars(sa.select(Place)) if p.code not in skip]
    weights = {p.code: Fraction(p.population) for p in places}
    whole = sum(weights.values())
    exact = {code: weight / whole * total for code, weight in weights.items()}
    shares = {code: int(value) for code, value in exact.items()}
    for code in sorted(exact, key=lambda c: -(exact[c] - shares[c]))[
        : total - sum(shares.values())
    ]:
        shares[code] += 1
    return shares


def _by_code(session, panel_targets) -> dict[str, int]:
    codes = {p.id: p.code for p in session.scalars(sa.select(Place))}
    return {codes[p.place_id]: p.target for p in panel_targets.places}


def test_places_share_the_target_by_population_until_the_team_sets_one(session):
    comms = make_staff(session, Role.COMMS)
    default = targets.panel_targets(session)
    assert default.total == 4000
    assert _by_code(session, default) == _population_split(session, 4000)

    blackpool = place(session, "blackpool")
    targets.set_targets(session, comms, 5000, {blackpool.id: 900}, NOW)
    changed = targets.panel_targets(session)
    expected = _population_split(session, 4100, skip={"blackpool"})
    assert _by_code(session, changed) == {**expected, "blackpool": 900}
    assert sum(p.target for p in changed.places) == 5000
    assert [p.set_by_team for p in changed.places if p.place_id == blackpool.id] == [True]

    targets.set_targets(session, comms, 5000, {blackpool.id: None}, NOW)
    assert _by_code(session, targets.panel_targets(session)) == _population_split(session, 5000)


@pytest.mark.parametrize(
    ("total", "own", "field"),
    [
        (0, {}, "total"),
        (100_001, {}, "total"),
        (1000, {"blackpool": 600, "lancashire": 500}, "total"),
        (1000, {"blackpool": -1}, "place_blackpool"),
    ],
)
def test_targets_that_cannot_hold_are_refused_next_to_the_field(session, total, own, field):
    comms = make_staff(session, Role.COMMS)
    ids = {code: place(session, code).id for code in own}
    with pytest.raises(targets.TargetError) as refused:
        targets.set_targets(session, comms, total, {ids[c]: t for c, t in own.items()}, NOW)
    expected = field if field == "total" else f"place_{ids['blackpool']}"
    assert refused.value.field == expected


def test_scores_are_the_lowest_rate_over_the_highest(session):
    for band, count in (("25-34", 4), ("75+", 9), ("45-54", 2)):
        for _ in range(count):
            make_member(session, "blackpool", age_band=band)
    plan = plans.recruitment_plan(session, make_staff(session, Role.COMMS), NOW)
    blackpool = plans.place_plan(plan, place(session, "blackpool").id)
    figures = {
        f.category: f.population
        for f in session.scalars(
            sa.select(PopulationFigure).where(
                PopulationFigure.place_id == place(session, "blackpool").id,
                PopulationFigure.dimension == "age_band",
            )
        )
    }
    counts = {"25-34": 4, "75+": 9, "45-54": 2}
    rates = {band: counts.get(band, 0) / people for band, people in figures.items()}
    dimension, score = next((d, s) for d, s in blackpool.scores if d.key == "age_band")
    assert score.value == round(min(rates.values()) / max(rates.values()), 2) == 0.0
    assert score.highest == next(r.label for r in dimension.rows if r.category == "75+")
    assert not score.meets_goal
    sex = next(s for d, s in blackpool.scores if d.key == "sex")
    assert sex.value is None and "Nobody" in sex.why_missing
    assert blackpool.most_needed and all(n.needed > 0 for n in blackpool.most_needed)


def test_a_score_resting_on_a_hidden_group_is_not_shown_to_a_place_team(session):
    white = next(code for code, group in ETHNIC_GROUP_SUMMARY.items() if group == "white")
    asian = next(code for code, group in ETHNIC_GROUP_SUMMARY.items() if group == "asian")
    for code in [white] * 30 + [asian] * 3:
        make_member(session, "blackpool", equality=EqualityProfile(ethnic_group=code))
    team = make_staff(session, Role.PLACE, places=["blackpool"])
    blackpool = plans.recruitment_plan(session, team, NOW).places[0]
    score = next(s for d, s in blackpool.scores if d.key == "ethnic_group")
    assert score.value is None and "fewer than 8" in score.why_missing
    comms_view = plans.place_plan(
        plans.recruitment_plan(session, make_staff(session, Role.COMMS), NOW),
        blackpool.area.place_id,
    )
    assert next(s for d, s in comms_view.scores if d.key == "ethnic_group").value is not None


def test_the_forecast_follows_the_last_three_months_net_growth(session):
    for days in (5, 20, 40, 60, 80, 85):
        make_member(session, "blackpool", joined_at=NOW - timedelta(days=days))
    make_member(session, "blackpool", joined_at=NOW - timedelta(days=200))  # before the window
    make_member(
        session,
        "blackpool",
        joined_at=NOW - timedelta(days=300),
        left_at=NOW - timedelta(days=10),
        status="left",
        email=None,
    )
    plan = plans.recruitment_plan(session, make_staff(session, Role.COMMS), NOW)
    blackpool = plans.place_plan(plan, place(session, "blackpool").id)
    forecast = blackpool.forecast
    assert (forecast.members, forecast.joined, forecast.left) == (7, 6, 1)
    # (6 - 1) / 3 a month; (target - 7) to go.
    assert forecast.months == -(-(forecast.target - 7) * 3 // 5)
    assert plans.forecast(10, 10, 0, 0, NOW).reached
    assert plans.forecast(5, 10, 1, 3, NOW).months is None


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    joins=st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(["blackpool", "lancashire"]), st.booleans()),
        max_size=25,
    )
)
def test_signups_per_month_equal_a_recount(session, joins):
    source = session.scalar(sa.select(RecruitmentSource).where(RecruitmentSource.code == "stall1"))
    if source is None:
        source = RecruitmentSource(name="Stall", place_id=None, code="stall1")
        session.add(source)
        session.flush()
    comms = make_staff(session, Role.COMMS)
    made = [
        make_member(
            session,
            code,
            joined_at=NOW - timedelta(days=days, hours=1),
            recruitment_source_id=source.id if sourced else None,
        )
        for days, code, sourced in joins
    ]
    tables = signup_tables(session, comms, plans.recruitment_plan(session, comms, NOW), NOW)
    assert tables.months[0] == "Jan 2026" and tables.months[-1] == "Dec 2026"
    shown = {row.label: row.counts for row in tables.by_source}
    for label, wanted in (("Stall", True), ("No source recorded", False)):
        recount = [0] * 12
        for days, _code, sourced in joins:
            joined = (NOW - timedelta(days=days, hours=1)).astimezone(LONDON)
            if sourced == wanted and joined.year == 2026:
                recount[joined.month - 1] += 1
        assert shown.get(label, [0] * 12) == recount
    for member in made:
        session.delete(member)
    session.flush()


def test_the_pages_show_the_plan_and_refuse_bad_targets_keeping_what_was_typed(
    client, session, login_as
):
    make_member(session, "blackpool", age_band="75+")
    comms = make_staff(session, Role.COMMS)
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    page = client.get("/staff/recruitment-plan/")
    assert page.status_code == 200 and "Recruitment plan" in page.text
    assert "Blackpool" in page.text and "Below the goal" in page.text
    assert "Download the brief" not in page.text  # observers see no sources or briefs

    login_as(comms)
    blackpool = place(session, "blackpool")
    refused = client.post(
        "/staff/recruitment-plan/targets",
        data={"total": "1000", f"place_{blackpool.id}": "1200"},
    )
    assert refused.status_code == 200
    assert "add up to 1,200, more than the total of 1,000" in refused.text
    assert 'value="1200"' in refused.text and 'value="1000"' in refused.text
    saved = client.post(
        "/staff/recruitment-plan/targets", data={"total": "4500", f"place_{blackpool.id}": "700"}
    )
    assert saved.status_code == 302
    assert targets.panel_targets(session).for_place(blackpool.id) == 700
    audit = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "recruitment.targets")
    ).one()
    assert "total 4500" in audit.detail and audit.staff_user_id == comms.id


def test_a_brief_is_a_pdf_for_a_place_the_user_may_see(client, session, login_as):
    lancashire_source = RecruitmentSource(
        name="Healthwatch Lancashire", place_id=place(session, "lancashire").id, code="hwl1"
    )
    session.add(lancashire_source)
    team = make_staff(session, Role.PLACE, places=["blackpool"])
    login_as(team)
    session.commit()
    blackpool, lancashire = place(session, "blackpool").id, place(session, "lancashire").id
    brief = client.get(f"/staff/recruitment-plan/places/{blackpool}/brief.pdf")
    assert brief.status_code == 200 and brief.data.startswith(b"%PDF")
    assert brief.headers["Content-Disposition"].endswith('recruitment-brief-blackpool.pdf"')
    assert client.get(f"/staff/recruitment-plan/places/{lancashire}/brief.pdf").status_code == 404
    other_source = (
        f"/staff/recruitment-plan/places/{blackpool}/brief.pdf?source={lancashire_source.id}"
    )
    assert client.get(other_source).status_code == 404


def test_unpaid_carers_are_compared_where_the_census_has_figures(session):
    for answer in ["yes_under_20", "yes_50_plus", "no", "no", "no"]:
        make_member(session, "blackpool", equality=EqualityProfile(carer=answer))
    make_member(session, "south-cumbria", equality=EqualityProfile(carer="yes_20_49"))
    plan = plans.recruitment_plan(session, make_staff(session, Role.COMMS), NOW)
    blackpool = plans.place_plan(plan, place(session, "blackpool").id)
    carers, score = next((d, s) for d, s in blackpool.scores if d.key == "carer")
    rows = {row.category: row for row in carers.rows}
    assert (rows["carer"].members, rows["not_carer"].members) == (2, 3)
    assert score.value == round((3 / 119063) / (2 / 14613), 2)
    cumbria = plans.place_plan(plan, place(session, "south-cumbria").id)
    assert all(d.key != "carer" for d in cumbria.area.dimensions)
    assert cumbria.area.without_figures == ["Unpaid carers"]
    assert plan.whole.area.without_figures == ["Unpaid carers"]  # not every place has them


def test_an_existing_database_gains_the_carers_figures(app, session):
    from flask_migrate import downgrade, upgrade

    carers = sa.select(sa.func.count()).where(PopulationFigure.dimension == "carer")
    assert session.scalar(carers) == 6
    session.commit()
    downgrade(revision="0036_events")
    assert session.scalar(carers) == 0
    session.commit()
    upgrade()
    assert session.scalar(carers) == 6
