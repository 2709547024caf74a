"""Small-number suppression: counts from 1 to 7 hidden, plus a second cell where one alone could
be worked out from the column total."""

from panel.disclosure import HIDDEN, suppress_small


def test_small_counts_are_hidden_and_zero_and_large_ones_shown():
    rows = [{"n": 0}, {"n": 3}, {"n": 7}, {"n": 8}, {"n": 120}]
    assert [r["n"] for r in suppress_small(rows, ["n"])] == [0, HIDDEN, HIDDEN, 8, 120]


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    rows = [{"n": 2, "m": 50}, {"n": 40, "m": 60}, {"n": 90, "m": 70}]
    shown = suppress_small(rows, ["n", "m"])
    assert [r["n"] for r in shown] == [HIDDEN, HIDDEN, 90]
    assert [r["m"] for r in shown] == [50, 60, 70]
    assert rows[0]["n"] == 2  # the input is left alone
