"""Fair selection as a plain module: quotas met exactly where a perfect answer exists, the
shortfall reported where none does, and the same seed giving the same people."""

from __future__ import annotations

import pytest

from panel.segments.selection import Quota, QuotasConflict, SelectionError, select_fairly


def _pool():
    # 40 people: every sex x age combination 10 times.
    return [
        {"id": str(i), "sex": "female" if i % 2 else "male", "age": "young" if i % 4 < 2 else "old"}
        for i in range(40)
    ]


QUOTAS = [
    Quota("sex", "female", 5, 5),
    Quota("sex", "male", 5, 5),
    Quota("age", "young", 5, 5),
    Quota("age", "old", 5, 5),
]


def test_a_perfect_selection_meets_every_quota_exactly():
    result = select_fairly(_pool(), QUOTAS, 10, seed=7)
    people = {p["id"]: p for p in _pool()}
    chosen = [people[i] for i in result.selected_ids]
    assert len(chosen) == 10 and result.all_met and result.messages == []
    assert sum(p["sex"] == "female" for p in chosen) == 5
    assert sum(p["age"] == "young" for p in chosen) == 5
    assert all(outcome.met for outcome in result.outcomes)


def test_the_same_seed_gives_the_same_people():
    first = select_fairly(_pool(), QUOTAS, 10, seed=11).selected_ids
    assert select_fairly(_pool(), QUOTAS, 10, seed=11).selected_ids == first
    others = {tuple(select_fairly(_pool(), QUOTAS, 10, seed=s).selected_ids) for s in range(5)}
    assert len(others) > 1  # the seed matters


def test_quotas_no_group_meets_are_widened_only_as_far_as_agreed():
    # Only two women in the pool, but the quota asks for five (give or take none).
    pool = [{"id": str(i), "sex": "female" if i < 2 else "male"} for i in range(20)]
    quotas = [Quota("sex", "female", 5, 5), Quota("sex", "male", 5, 5)]
    with pytest.raises(QuotasConflict) as conflict:
        select_fairly(pool, quotas, 10, seed=3)
    needed = conflict.value.needed
    assert needed >= 3 and f"Widening every quota by {needed} people" in str(conflict.value)
    with pytest.raises(QuotasConflict):
        select_fairly(pool, quotas, 10, seed=3, widen_up_to=needed - 1)
    result = select_fairly(pool, quotas, 10, seed=3, widen_up_to=needed)
    assert len(result.selected_ids) == 10 and result.widened_by == needed
    women = next(o for o in result.outcomes if o.value == "female")
    assert (women.selected, women.minimum, women.met) == (2, 5, False)
    assert any(message.startswith("sex female: 2 selected") for message in result.messages)
    # The same seed and the same agreement give the same people.
    assert select_fairly(pool, quotas, 10, seed=3, widen_up_to=5).selected_ids == (
        result.selected_ids
    )


def test_a_person_without_a_quota_for_their_value_is_refused_not_ignored():
    pool = [*_pool(), {"id": "99", "sex": "", "age": "old"}]
    with pytest.raises(SelectionError, match="No quota for sex"):
        select_fairly(pool, QUOTAS, 10, seed=1)


@pytest.mark.parametrize(
    ("people", "wanted", "quotas", "message"),
    [
        (_pool(), 0, QUOTAS, "at least one person"),
        (_pool(), 41, QUOTAS, "Only 40 people"),
        ([], 1, QUOTAS, "nobody"),
        (_pool(), 10, [], "at least one characteristic"),
    ],
)
def test_requests_that_cannot_be_met_say_why(people, wanted, quotas, message):
    with pytest.raises(SelectionError, match=message):
        select_fairly(people, quotas, wanted, seed=1)
