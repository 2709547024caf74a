"""Generated search on the representativeness dashboard's special category tables: hypothesis
draws the ethnic group and disability answers of the panel in tests/panel/equality_panel.py;
every such count a place team (of one place or two) or an observer sees must be 0 or at least 8,
nothing worked out from a hidden one may be shown, and no hidden count from 1 to 7 may be worked
out from what is shown (an integer programme over each area's total and the areas' sum)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from panel.auth.models import Role
from panel.members import reference
from panel.segments.services.representativeness import PROTECTED_DIMENSIONS, representativeness
from tests.factories import make_staff
from tests.panel.equality_panel import SEARCH, build_panel

#: each example is one page for one viewer: fewer are needed than for sequences.
DASHBOARD_SEARCH = settings(SEARCH, max_examples=50)


def _extremes(tables, whole: bool) -> list[tuple[int, int, int]]:
    """For each hidden count: (true value, least, most) it could be, given what is shown: each
    area's answered total, and the areas' counts adding up to the whole's. ``tables`` holds
    (dimension as shown, its rows as shown, its true rows) per area, the whole first."""
    hidden = [
        (a, r)
        for a, (_d, rows, _t) in enumerate(tables)
        for r, row in enumerate(rows)
        if row.hidden
    ]
    if not hidden:
        return []
    where = {cell: i for i, cell in enumerate(hidden)}
    equations, targets = [], []

    def equation(terms: list[tuple[int, int, int]], total: int):
        row, constant = np.zeros(len(hidden)), total
        for sign, area, group in terms:
            cell = tables[area][1][group]
            if (area, group) in where:
                row[where[(area, group)]] += sign
            else:
                constant -= sign * cell.members
        equations.append(row)
        targets.append(constant)

    for area, (dimension, rows, _true) in enumerate(tables):
        equation([(1, area, group) for group in range(len(rows))], dimension.answered)
    if whole:
        for group in range(len(tables[0][1])):
            parts = [(1, 0, group)] + [(-1, area, group) for area in range(1, len(tables))]
            equation(parts, 0)
    constraint = LinearConstraint(np.array(equations), targets, targets)
    upper = [tables[a][0].answered for a, _r in hidden]
    bounds, integral = Bounds(np.zeros(len(hidden)), np.array(upper)), np.ones(len(hidden))
    results = []
    for i, (area, group) in enumerate(hidden):
        objective = np.zeros(len(hidden))
        objective[i] = 1
        least = milp(objective, constraints=constraint, integrality=integral, bounds=bounds)
        most = milp(-objective, constraints=constraint, integrality=integral, bounds=bounds)
        assert least.success and most.success
        results.append((tables[area][2][group].members, round(least.fun), round(-most.fun)))
    return results


@pytest.mark.parametrize("viewer", ["place", "one_place", "observer"])
def test_dashboard_hides_every_small_equality_count_and_what_would_reveal_it(session, viewer):
    members, staff = build_panel(session)
    staff["one_place"] = make_staff(session, Role.PLACE, places=["blackpool"])
    ethnic = st.one_of(st.just("13"), st.sampled_from([c for c, _ in reference.ETHNIC_GROUPS]))
    disability = st.sampled_from(["yes_a_lot", "yes_a_little", "no", "no", "pns", None])
    answers = st.lists(st.tuples(ethnic, disability), min_size=30, max_size=30)

    @DASHBOARD_SEARCH
    @given(drawn=answers)
    def search(drawn):
        world = session.begin_nested()
        for member, (ethnic_group, disabled) in zip(members, drawn, strict=True):
            member.equality.ethnic_group, member.equality.disability = ethnic_group, disabled
        session.flush()
        areas = representativeness(session, staff[viewer])
        full = {a.name: a for a in representativeness(session, staff["comms"])}
        whole = len(areas) > 1
        for key in PROTECTED_DIMENSIONS:
            tables = []
            for area in areas:
                dimension = next(d for d in area.dimensions if d.key == key)
                truth = next(d for d in full[area.name].dimensions if d.key == key)
                tables.append((dimension, dimension.rows, truth.rows))
                for row, true_row in zip(dimension.rows, truth.rows, strict=True):
                    assert not true_row.hidden
                    if row.hidden:
                        assert (row.members, row.panel_share, row.ratio, row.needed) == (
                            (None,) * 4
                        )
                        assert not row.under_represented
                    else:
                        assert row.members == true_row.members
                        assert row.members == 0 or row.members >= 8
                    if 1 <= true_row.members <= 7:
                        assert row.hidden
            for true_value, least, most in _extremes(tables, whole):
                # A hidden zero that can be worked out tells nothing; a small count must not be.
                assert least < most or not 1 <= true_value <= 7, (key, true_value, least)
        world.rollback()

    search()
