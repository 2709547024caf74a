"""The representativeness dashboard against figures worked out by hand."""

from __future__ import annotations

import pytest

from panel.auth.models import Role
from panel.members.models import EqualityProfile
from panel.segments.services.representativeness import representativeness
from tests.factories import make_member, make_staff


@pytest.fixture
def blackpool_panel(session):
    """Ten Blackpool members: 2 aged 25-34 and 8 aged 75+; 6 women, 2 men, 2 did not say."""
    sexes = ["female"] * 6 + ["male"] * 2 + [None, None]
    for number in range(10):
        make_member(
            session,
            "blackpool",
            age_band="25-34" if number < 2 else "75+",
            equality=EqualityProfile(sex=sexes[number]) if sexes[number] else None,
        )
    make_member(session, "lancashire", age_band="16-24")


def _rows(area, key):
    dimension = next(d for d in area.dimensions if d.key == key)
    return dimension, {row.category: row for row in dimension.rows}


def test_blackpool_figures_match_the_hand_computed_ones(session, blackpool_panel):
    areas = representativeness(session, make_staff(session, Role.COMMS))
    assert [a.name for a in areas] == [
        "Whole ICB",
        "Blackburn with Darwen",
        "Blackpool",
        "Lancashire",
        "South Cumbria",
    ]
    blackpool = areas[2]
    # Census 2021: Blackpool 141,036 of the ICB's 1,702,987, so 331 of the 4,000 target.
    assert (blackpool.members, blackpool.target) == (10, 331)
    age, rows = _rows(blackpool, "age_band")
    # Blackpool aged 16+: 116,334. 16-24: 13,268 (11.4%); 25-34: 18,071 (15.5%); 75+: 13,650.
    assert (rows["16-24"].members, rows["16-24"].population_share) == (0, 11.4)
    assert rows["16-24"].ratio == 0.0 and rows["16-24"].under_represented
    assert rows["16-24"].needed == 38  # round(0.11405 * 331) - 0
    assert (rows["25-34"].panel_share, rows["25-34"].ratio) == (20.0, 1.29)
    assert (rows["75+"].panel_share, rows["75+"].ratio) == (80.0, 6.82)
    assert not rows["75+"].under_represented and rows["75+"].needed == 31  # 39 - 8
    sex, rows = _rows(blackpool, "sex")
    assert (sex.answered, sex.not_answered) == (8, 2)
    assert (rows["female"].panel_share, rows["female"].ratio) == (75.0, 1.48)
    assert (rows["male"].ratio, rows["male"].under_represented) == (0.51, True)
    assert rows["male"].needed == 161  # round(0.49367 * 331) - 2
    whole = areas[0]
    assert (whole.members, whole.target) == (11, 4000)


def test_place_team_sees_only_its_places(session, blackpool_panel):
    areas = representativeness(session, make_staff(session, Role.PLACE, places=["blackpool"]))
    assert [a.name for a in areas] == ["Blackpool"]


def test_dashboard_page_has_chart_and_table(client, session, login_as, blackpool_panel):
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    page = client.get("/staff/segments/representativeness").text
    assert "<svg" in page and "Under-represented" in page and "Members needed" in page
    assert "Barrow-in-Furness: not available" in page  # caveats travel with the figures
