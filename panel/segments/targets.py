"""Whole-number targets for a fair selection, the tolerance around them, and targets moved off the
groups a pool cannot fill. A plain module (no Flask, no database).

Rounding (largest remainder, Hamilton's method): a group of n people and one characteristic's
shares give each category an exact quota of share x n. Each category first gets the whole part
of its quota; the people left over (fewer than there are categories) go one each to the
categories with the largest fractional parts (ties: the larger share, then the order the
categories are listed in). So the targets are whole numbers that add up to n exactly, and each
is within one person of its exact quota. Arithmetic is exact (fractions), so the same figures
always give the same targets.

Tolerance: the selection algorithm may pick up to ``tolerance(n)`` people either side of each
target: 5% of n rounded down, and at least one (1 for up to 39 people, 2 for 40 to 59, 5 for
100). Exact targets on several characteristics at once often have no solution in a real pool;
one person either side in a group of 20 keeps every category within 5 percentage points of its
share. A quota is then [target - tolerance, target + tolerance], within 0 and n.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

#: the share of the group each target may be missed by, either side (at least one person).
TOLERANCE_SHARE = Fraction(1, 20)

Weight = int | Fraction | Decimal


def tolerance(number_wanted: int) -> int:
    """People either side of each target the algorithm may pick: 5% of n rounded down, min 1."""
    return max(1, int(number_wanted * TOLERANCE_SHARE))


def largest_remainder(weights: Mapping[str, Weight], total: int) -> dict[str, int]:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` (see the module).

    Raises ValueError when the weights add up to nothing but people are to be shared out."""
    exact_weights = {key: Fraction(weight) for key, weight in weights.items()}
    weight_sum = sum(exact_weights.values(), Fraction(0))
    if total == 0:
        return {key: 0 for key in exact_weights}
    if weight_sum <= 0:
        raise ValueError("nothing to share the people out by")
    exact = {key: weight / weight_sum * total for key, weight in exact_weights.items()}
    targets = {key: int(quota) for key, quota in exact.items()}
    order = list(exact_weights)
    left_over = total - sum(targets.values())
    by_remainder = sorted(
        order,
        key=lambda key: (-(exact[key] - targets[key]), -exact_weights[key], order.index(key)),
    )
    for key in by_remainder[:left_over]:
        targets[key] += 1
    return targets


def quota_range(target: int, number_wanted: int) -> tuple[int, int]:
    """The (minimum, maximum) the algorithm is given for a target."""
    slack = tolerance(number_wanted)
    return max(0, target - slack), min(number_wanted, target + slack)


def targets_within_pool(
    weights: Mapping[str, Weight], pool: Mapping[str, int], total: int
) -> dict[str, int]:
    """Targets for ``total`` people when some categories have fewer people in the pool than
    their share: such a category gets everyone the pool has, and the rest are shared out among
    the other categories in proportion to their weights (again, until every target fits).
    Where the remaining categories all weigh nothing, they share by their numbers in the pool.

    Raises ValueError when the pool holds fewer than ``total`` people."""
    if sum(pool.get(key, 0) for key in weights) < total:
        raise ValueError("the pool holds fewer people than wanted")
    fixed: dict[str, int] = {}
    while True:
        free = [key for key in weights if key not in fixed]
        remaining = total - sum(fixed.values())
        free_weights = {key: weights[key] for key in free}
        if remaining and sum(Fraction(w) for w in free_weights.values()) <= 0:
            free_weights = {key: pool.get(key, 0) for key in free}
        shared = largest_remainder(free_weights, remaining)
        over = [key for key in free if shared[key] > pool.get(key, 0)]
        if not over:
            return {key: fixed.get(key, shared.get(key, 0)) for key in weights}
        for key in over:
            fixed[key] = pool.get(key, 0)


def target_share_problem(shares: Mapping[str, Decimal]) -> str:
    """Why these percentages cannot be one characteristic's targets, or "": each from 0 to 100,
    adding up to exactly 100."""
    if any(not share.is_finite() or not 0 <= share <= 100 for share in shares.values()):
        return "each share must be from 0 to 100"
    total = sum(shares.values(), Decimal(0))
    if total != 100:
        return f"the shares must add up to 100, and they add up to {total.normalize():f}"
    return ""
