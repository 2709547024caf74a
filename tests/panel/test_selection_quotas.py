"""Fair selection quotas come from the Census 2021 population of the places the selection is for
(or the user's own shares), never from the panel's make-up; a pool short of a target is named
before anything is selected; and the selection reports target, selected and gap."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from panel.auth.models import Role
from panel.members.models import EqualityProfile, Member
from panel.places.models import PopulationFigure
from panel.segments import definition as definitions
from panel.segments.models import Segment
from panel.segments.selection import QuotasConflict, SelectionError
from panel.segments.services import fair_selection, quotas
from panel.segments.targets import largest_remainder
from tests.factories import make_member, make_staff, place

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
AGE_BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
#: Blackpool's Census 2021 residents aged 16 and over (population_2021.csv) as whole-number
#: targets for 20 and for 40 people, worked out by hand with the largest remainder method.
BLACKPOOL_20 = {"16-24": 2, "25-34": 3, "35-44": 3, "45-54": 3, "55-64": 4, "65-74": 3, "75+": 2}
BLACKPOOL_40 = {"16-24": 4, "25-34": 6, "35-44": 6, "45-54": 7, "55-64": 7, "65-74": 5, "75+": 5}


def _members(session, code, bands: dict[str, int], sex=("female", "male")):
    """Members of place ``code``: ``bands`` says how many in each age band; sexes alternate."""
    number = 0
    for band, count in bands.items():
        for _ in range(count):
            make_member(
                session, code, age_band=band, equality=EqualityProfile(sex=sex[number % len(sex)])
            )
            number += 1


def _segment(session, code: str | None) -> Segment:
    segment = Segment(
        name="Everyone",
        place=place(session, code) if code else None,
        definition=definitions.empty_definition(),
    )
    session.add(segment)
    session.flush()
    return segment


def _selected(session, selection, column):
    rows = session.scalars(sa.select(column).where(Member.id.in_(selection.member_ids)))
    return Counter(rows)


def _targets(plan_or_report, key):
    groups = (
        plan_or_report["characteristics"]
        if isinstance(plan_or_report, dict)
        else [vars(c) for c in plan_or_report.characteristics]
    )
    group = next(g for g in groups if g["key"] == key)
    rows = [row if isinstance(row, dict) else vars(row) for row in group["rows"]]
    return {row["code"]: row["target"] for row in rows}


# --- targets follow Census, not the panel ----------------------------------------------------


def test_a_selection_follows_the_census_of_its_place_not_the_panels_make_up(session):
    # The segment is mostly people aged 75 or over (45 of 75); Blackpool's population is not.
    _members(session, "blackpool", {band: 5 for band in AGE_BANDS[:-1]} | {"75+": 45})
    segment = _segment(session, "blackpool")
    comms = make_staff(session, Role.COMMS)
    selection = fair_selection.run_fair_selection(session, comms, segment, 20, ["age_band"], 5, NOW)
    chosen = _selected(session, selection, Member.age_band)
    assert sum(chosen.values()) == 20
    for band, target in BLACKPOOL_20.items():
        assert abs(chosen[band] - target) <= 1, (band, chosen[band], target)
    # In proportion to the pool, 12 of the 20 would be aged 75 or over.
    assert chosen["75+"] <= 3


def test_the_targets_are_blackpools_census_rounded_to_add_up(session):
    _members(session, "blackpool", {band: 5 for band in AGE_BANDS[:-1]} | {"75+": 45})
    segment = _segment(session, "blackpool")
    place_team = make_staff(session, Role.PLACE, places=["blackpool"])
    selection = fair_selection.run_fair_selection(
        session, place_team, segment, 20, ["age_band"], 5, NOW
    )
    assert _targets(selection.report, "age_band") == BLACKPOOL_20
    assert selection.report["population"] == "Blackpool"
    assert selection.population_place_ids == [place(session, "blackpool").id]
    group = selection.report["characteristics"][0]
    assert group["source"] == "Census 2021: Blackpool"
    panel_share = {row["code"]: row["pool"] / 75 for row in group["rows"]}
    assert panel_share["75+"] == 0.6 and group["rows"][-1]["share"] == 11.7


def test_an_icb_wide_segment_matches_the_place_chosen_or_every_place_weighted(session):
    _members(session, "blackpool", {band: 6 for band in AGE_BANDS})
    _members(session, "lancashire", {band: 6 for band in AGE_BANDS})
    segment = _segment(session, None)
    comms = make_staff(session, Role.COMMS)
    south_cumbria = place(session, "south-cumbria")
    chosen = quotas.plan_selection(
        session,
        comms,
        segment,
        30,
        ["age_band", "place"],
        NOW,
        population_place_id=south_cumbria.id,
    )
    figures = {
        f.category: f.population
        for f in session.scalars(
            sa.select(PopulationFigure).where(
                PopulationFigure.place_id == south_cumbria.id,
                PopulationFigure.dimension == "age_band",
            )
        )
    }
    assert _targets(chosen, "age_band") == largest_remainder(figures, 30)
    assert chosen.population == "South Cumbria"
    assert _targets(chosen, "place")[str(south_cumbria.id)] == 30
    whole = quotas.plan_selection(session, comms, segment, 30, ["age_band", "place"], NOW)
    assert whole.population.startswith("the whole ICB")
    every = Counter()
    for figure in session.scalars(
        sa.select(PopulationFigure).where(PopulationFigure.dimension == "age_band")
    ):
        every[figure.category] += figure.population
    assert _targets(whole, "age_band") == largest_remainder(dict(every), 30)
    # Lancashire has 1,235,355 of the ICB's 1,702,987 residents: 22 of 30, not the panel's half.
    assert _targets(whole, "place")[str(place(session, "lancashire").id)] == 22
    with pytest.raises(SelectionError, match="Choose one of the places shown"):
        quotas.plan_selection(
            session,
            make_staff(session, Role.PLACE, places=["blackpool"]),
            segment,
            3,
            ["sex"],
            NOW,
            population_place_id=south_cumbria.id,
        )


# --- a pool short of a target ----------------------------------------------------------------


def test_a_pool_short_in_one_category_names_it_before_selecting(session):
    _members(session, "blackpool", {"16-24": 2} | {band: 12 for band in AGE_BANDS[1:]})
    segment = _segment(session, "blackpool")
    comms = make_staff(session, Role.COMMS)
    plan = quotas.plan_selection(session, comms, segment, 40, ["age_band", "sex"], NOW)
    assert _targets(plan, "age_band") == BLACKPOOL_40
    assert [(c.key, row.code, row.target, row.pool, row.short) for c, row in plan.shortfalls] == [
        ("age_band", "16-24", 4, 2, 2)
    ]
    with pytest.raises(quotas.QuotasShort) as short:
        fair_selection.run_fair_selection(session, comms, segment, 40, ["age_band", "sex"], 1, NOW)
    assert "Age band 16 to 24: target 4, 2 in the pool (short by 2)" in str(short.value)
    assert session.scalar(sa.select(sa.func.count()).select_from(fair_selection.FairSelection)) == 0

    selection = fair_selection.run_fair_selection(
        session, comms, segment, 40, ["age_band", "sex"], 1, NOW, accept_shortfall=True
    )
    chosen = _selected(session, selection, Member.age_band)
    assert sum(chosen.values()) == 40
    young = selection.report["characteristics"][0]["rows"][0]
    # The target stays Census's 4; the quota given aims for the 2 the pool has.
    assert (young["target"], young["maximum"], young["met"]) == (4, 2, False)
    assert young["selected"] == chosen["16-24"] and young["gap"] == chosen["16-24"] - 4
    others = selection.report["characteristics"][0]["rows"][1:]
    assert sum(row["maximum"] for row in others) >= 38  # the rest is shared among the others
    assert not selection.report["all_met"]
    assert any(
        "Age band 16 to 24: the target was 4 but the pool had only 2" in message
        and "short by 2" in message
        for message in selection.report["messages"]
    )


def test_members_who_did_not_answer_are_left_out_of_the_pool_and_counted(session):
    _members(session, "blackpool", {band: 4 for band in AGE_BANDS})
    _members(session, "blackpool", {"75+": 5}, sex=("pns",))
    make_member(session, "blackpool", age_band="75+")  # no equality answers at all
    segment = _segment(session, "blackpool")
    comms = make_staff(session, Role.COMMS)
    plan = quotas.plan_selection(session, comms, segment, 10, ["sex", "age_band"], NOW)
    assert (plan.contactable, plan.pool_size) == (34, 28)
    sex, age = plan.characteristics
    assert (sex.not_known, age.not_known) == (6, 0)
    selection = fair_selection.run_fair_selection(session, comms, segment, 10, ["sex"], 2, NOW)
    assert set(_selected(session, selection, Member.age_band)) <= set(AGE_BANDS)
    chosen_sexes = session.scalars(
        sa.select(EqualityProfile.sex).where(EqualityProfile.member_id.in_(selection.member_ids))
    ).all()
    assert len(chosen_sexes) == 10 and set(chosen_sexes) <= {"female", "male"}
    with pytest.raises(SelectionError, match="6 of them have not told us"):
        quotas.plan_selection(session, comms, segment, 30, ["sex"], NOW)


# --- targets the user sets -------------------------------------------------------------------


def test_targets_the_user_sets_replace_census_for_that_characteristic(session):
    _members(session, "blackpool", {band: 6 for band in AGE_BANDS})
    segment = _segment(session, "blackpool")
    comms = make_staff(session, Role.COMMS)
    shares = {"sex": {"female": Decimal("70"), "male": Decimal("30")}}
    selection = fair_selection.run_fair_selection(
        session, comms, segment, 10, ["sex", "age_band"], 3, NOW, target_shares=shares
    )
    sex, age = selection.report["characteristics"]
    assert sex["source"] == "your targets" and age["source"] == "Census 2021: Blackpool"
    assert _targets(selection.report, "sex") == {"female": 7, "male": 3}
    assert [row["share"] for row in sex["rows"]] == [70.0, 30.0]
    assert selection.target_shares == {"sex": {"female": "70", "male": "30"}}
    women = next(row for row in sex["rows"] if row["code"] == "female")
    assert abs(women["selected"] - 7) <= 1
    for wrong, message in [
        ({"female": Decimal("60"), "male": Decimal("30")}, "add up to 100, and they add up to 90"),
        ({"female": Decimal("120"), "male": Decimal("-20")}, "from 0 to 100"),
        ({"female": Decimal("50"), "other": Decimal("50")}, "unknown category"),
    ]:
        with pytest.raises(SelectionError, match=message):
            quotas.plan_selection(
                session, comms, segment, 10, ["sex"], NOW, target_shares={"sex": wrong}
            )
    with pytest.raises(SelectionError, match="does not match"):
        quotas.plan_selection(session, comms, segment, 10, ["age_band"], NOW, target_shares=shares)


def test_quotas_that_pull_against_each_other_are_widened_only_with_consent(session):
    # Every woman in the pool is 75 or over and every man 16 to 24: half women but only a fifth
    # aged 75 or over cannot both hold.
    _members(session, "blackpool", {"75+": 10}, sex=("female",))
    _members(session, "blackpool", {"16-24": 10}, sex=("male",))
    segment = _segment(session, "blackpool")
    comms = make_staff(session, Role.COMMS)
    shares = {
        "sex": {"female": Decimal(50), "male": Decimal(50)},
        "age_band": {"16-24": Decimal(80), "75+": Decimal(20)},
    }
    arguments = (session, comms, segment, 10, ["sex", "age_band"], 4, NOW)
    with pytest.raises(QuotasConflict) as conflict:
        fair_selection.run_fair_selection(*arguments, target_shares=shares)
    needed = conflict.value.needed
    selection = fair_selection.run_fair_selection(*arguments, target_shares=shares, widen_by=needed)
    assert selection.report["widened_by"] == needed
    assert f"widened by {needed} " in selection.report["messages"][0]
    again = fair_selection.run_fair_selection(*arguments, target_shares=shares, widen_by=needed)
    assert again.member_ids == selection.member_ids


def test_the_same_seed_and_targets_give_the_same_people(session):
    _members(session, "blackpool", {"16-24": 2} | {band: 9 for band in AGE_BANDS[1:]})
    segment = _segment(session, "blackpool")
    comms = make_staff(session, Role.COMMS)
    runs = [
        fair_selection.run_fair_selection(
            session, comms, segment, 30, ["age_band", "sex"], seed, NOW, accept_shortfall=True
        ).member_ids
        for seed in (8, 8, 9)
    ]
    assert runs[0] == runs[1] and runs[0] != runs[2]
