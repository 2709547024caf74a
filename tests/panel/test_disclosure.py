"""Small-number suppression: counts from 1 to 7 hidden, plus a second cell where one alone could
be worked out from the column total."""

from panel.disclosure import HIDDEN, suppress_small, suppress_table


def test_small_counts_are_hidden_and_zero_and_large_ones_shown():
    rows = [{"n": 0}, {"n": 3}, {"n": 7}, {"n": 8}, {"n": 120}]
    assert [r["n"] for r in suppress_small(rows, ["n"])] == [0, HIDDEN, HIDDEN, 8, 120]


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    rows = [{"n": 2, "m": 50}, {"n": 40, "m": 60}, {"n": 90, "m": 70}]
    shown = suppress_small(rows, ["n", "m"])
    assert [r["n"] for r in shown] == [HIDDEN, HIDDEN, 90]
    assert [r["m"] for r in shown] == [50, 60, 70]
    assert rows[0]["n"] == 2  # the input is left alone


def test_a_small_count_with_only_zeros_beside_it_is_padded_with_zeros_when_asked():
    # Three people answered, all in one group: hiding that 3 alone tells nothing, since the
    # row total (3) is shown. Padding hides zeros until the hidden cells hide at least 8 or
    # the whole row.
    assert suppress_table([[3, 0, 0]]) == ([[HIDDEN, 0, 0]], None)
    assert suppress_table([[3, 0, 0]], pad_with_zeros=True) == ([[HIDDEN, HIDDEN, HIDDEN]], None)
    shown, _ = suppress_table([[3, 0, 20]], pad_with_zeros=True)
    assert shown == [[HIDDEN, 0, HIDDEN]]  # a count above zero is still preferred
