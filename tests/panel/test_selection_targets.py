"""Targets as whole people: the largest remainder method adds up to n, stays within one of each
exact quota, and moves targets off categories a pool cannot fill; the tolerance around them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panel.segments.targets import (
    largest_remainder,
    quota_range,
    target_share_problem,
    targets_within_pool,
    tolerance,
)

weights = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3), st.integers(0, 2_000_000), min_size=1, max_size=9
).filter(lambda w: sum(w.values()) > 0)


@given(weights=weights, total=st.integers(0, 500))
def test_targets_add_up_to_n_and_stay_within_one_of_the_exact_quota(weights, total):
    targets = largest_remainder(weights, total)
    assert sum(targets.values()) == total
    weight_sum = sum(weights.values())
    for key, weight in weights.items():
        exact = Fraction(weight, weight_sum) * total
        assert exact - 1 < targets[key] < exact + 1


def test_the_largest_remainders_get_the_people_left_over():
    # 10 people at 46.4% / 33.3% / 20.3%: 4.64, 3.33, 2.03 -> 4, 3, 2 and one left for the .64.
    assert largest_remainder({"a": 464, "b": 333, "c": 203}, 10) == {"a": 5, "b": 3, "c": 2}
    # Rounding each on its own would give 3 + 3 + 3 = 9 of 10 here.
    assert largest_remainder({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}
    assert largest_remainder({"a": Decimal("33.3"), "b": Decimal("66.7")}, 3) == {"a": 1, "b": 2}
    with pytest.raises(ValueError):
        largest_remainder({"a": 0, "b": 0}, 3)


@given(weights=weights, data=st.data())
def test_targets_within_the_pool_add_up_and_fit_it(weights, data):
    pool = {key: data.draw(st.integers(0, 40)) for key in weights}
    total = data.draw(st.integers(0, sum(pool.values())))
    targets = targets_within_pool(weights, pool, total)
    assert sum(targets.values()) == total
    assert all(0 <= targets[key] <= pool[key] for key in weights)
    if all(largest_remainder(weights, total)[key] <= pool[key] for key in weights):
        assert targets == largest_remainder(weights, total)


def test_a_short_category_takes_everyone_and_the_others_share_the_rest():
    shares = {"young": 20, "middle": 50, "old": 30}
    targets = targets_within_pool(shares, {"young": 1, "middle": 9, "old": 9}, 10)
    assert targets == {"young": 1, "middle": 6, "old": 3}
    # A category nobody asked for still fills places when nothing else can.
    assert targets_within_pool({"a": 100, "b": 0}, {"a": 2, "b": 5}, 4) == {"a": 2, "b": 2}
    with pytest.raises(ValueError):
        targets_within_pool({"a": 1}, {"a": 2}, 3)


@pytest.mark.parametrize(
    ("wanted", "slack"), [(1, 1), (10, 1), (39, 1), (40, 2), (59, 2), (100, 5), (500, 25)]
)
def test_the_tolerance_is_five_percent_and_at_least_one(wanted, slack):
    assert tolerance(wanted) == slack
    assert quota_range(0, wanted) == (0, slack)
    assert quota_range(wanted, wanted) == (wanted - slack, wanted)


@pytest.mark.parametrize(
    ("shares", "problem"),
    [
        ({"a": Decimal("33.3"), "b": Decimal("33.3"), "c": Decimal("33.4")}, ""),
        ({"a": Decimal("50"), "b": Decimal("40")}, "they add up to 90"),
        ({"a": Decimal("100.5"), "b": Decimal("-0.5")}, "from 0 to 100"),
        ({"a": Decimal("NaN"), "b": Decimal("100")}, "from 0 to 100"),
    ],
)
def test_the_users_shares_must_each_be_0_to_100_and_add_up_to_100(shares, problem):
    found = target_share_problem(shares)
    assert problem in found and bool(found) == bool(problem)
