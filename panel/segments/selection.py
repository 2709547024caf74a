"""Fair selection (sortition) across several characteristics at once, with sortition-algorithms.

A plain module: no Flask, no database. Uses the library's "legacy" method, which is fast enough
to run in a request; the fairer maximin/nash methods take minutes here and belong in jobs.
"""

from __future__ import annotations

import contextlib
import io
import logging
import random
from dataclasses import dataclass

from sortition_algorithms.core import run_stratification
from sortition_algorithms.features import read_in_features
from sortition_algorithms.people import read_in_people
from sortition_algorithms.settings import Settings

# The library reports every trial to the user at WARNING; here that is noise in server logs.
logging.getLogger("sortition_algorithms_user").setLevel(logging.ERROR)

#: the value given to a person whose characteristic is missing or not among the quota values.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Quota:
    """One category of one characteristic."""

    feature: str
    value: str
    minimum: int
    maximum: int


@dataclass
class QuotaOutcome:
    feature: str
    value: str
    minimum: int
    maximum: int
    selected: int
    met: bool


@dataclass
class SelectionResult:
    selected_ids: list[str]
    outcomes: list[QuotaOutcome]
    all_met: bool
    messages: list[str]
    seed: int


class SelectionError(ValueError):
    """The request cannot be met at all (bad numbers, no people); the message says why."""


def quotas_from_population(
    shares: dict[str, dict[str, float]], number_wanted: int, tolerance: float = 0.1
) -> list[Quota]:
    """Proportional quotas: each value's share x N, give or take tolerance x N, within [0, N]."""
    quotas = []
    slack = tolerance * number_wanted
    for feature, values in shares.items():
        total = sum(values.values()) or 1
        for value, share in values.items():
            target = share / total * number_wanted
            quotas.append(
                Quota(
                    feature,
                    value,
                    max(0, round(target - slack)),
                    min(number_wanted, round(target + slack)),
                )
            )
    return quotas


def _complete(
    people: list[dict[str, str]], quotas: list[Quota], number_wanted: int, id_key: str
) -> tuple[list[dict[str, str]], list[Quota]]:
    """Give every person a value the quotas know, adding open (0..N) quotas for "unknown"."""
    features = sorted({q.feature for q in quotas})
    known = {(q.feature, q.value) for q in quotas}
    extra: set[tuple[str, str]] = set()
    cleaned = []
    for person in people:
        row = {id_key: str(person[id_key])}
        for feature in features:
            value = str(person.get(feature) or UNKNOWN)
            if (feature, value) not in known:
                value = UNKNOWN
                if (feature, UNKNOWN) not in known:
                    extra.add((feature, UNKNOWN))
            row[feature] = value
        cleaned.append(row)
    return cleaned, quotas + [Quota(f, v, 0, number_wanted) for f, v in sorted(extra)]


def _attempt(people, quotas, number_wanted, seed, id_key) -> list[str] | None:
    features = sorted({q.feature for q in quotas})
    body = [
        {"feature": q.feature, "value": q.value, "min": str(q.minimum), "max": str(q.maximum)}
        for q in quotas
    ]
    try:
        feature_collection, _, _ = read_in_features(["feature", "value", "min", "max"], body)
        settings = Settings(
            id_column=id_key,
            columns_to_keep=[],
            selection_algorithm="legacy",
            random_number_seed=seed + 1,
            max_attempts=20,
        )
        pool, _ = read_in_people([id_key, *features], people, feature_collection, settings)
        # The legacy method prints each trial; keep the server's output clean.
        with contextlib.redirect_stdout(io.StringIO()):
            success, selections, _ = run_stratification(
                feature_collection, pool, number_wanted, settings
            )
    except Exception:  # noqa: BLE001 - the library signals infeasible quotas many ways
        return None
    return sorted(selections[0]) if success and selections else None


def _relaxed(quotas: list[Quota], step: int, number_wanted: int) -> list[Quota]:
    return [
        Quota(q.feature, q.value, max(0, q.minimum - step), min(number_wanted, q.maximum + step))
        for q in quotas
    ]


def select_fairly(
    people: list[dict[str, str]],
    quotas: list[Quota],
    number_wanted: int,
    seed: int,
    id_key: str = "id",
) -> SelectionResult:
    """Pick ``number_wanted`` people meeting the quotas on every feature at once; the same inputs
    and seed give the same people. Quotas that cannot all be met are widened step by step until a
    selection exists, and the shortfall against the original quotas is reported."""
    if number_wanted <= 0:
        raise SelectionError("Ask for at least one person")
    if not people:
        raise SelectionError("There is nobody to select from")
    if number_wanted > len(people):
        raise SelectionError(f"Only {len(people)} people can be selected from")
    if not quotas:
        raise SelectionError("Choose at least one characteristic to balance")
    rows, quotas = _complete(people, quotas, number_wanted, id_key)
    state = random.getstate()  # the library seeds the global generator: give it back afterwards
    try:
        messages = []
        chosen = None
        for step in range(0, number_wanted + 1):
            chosen = _attempt(
                rows, _relaxed(quotas, step, number_wanted), number_wanted, seed, id_key
            )
            if chosen is not None:
                if step:
                    messages.append(
                        f"The quotas could not all be met, so each was widened by "
                        f"{step} to find a selection."
                    )
                break
    finally:
        random.setstate(state)
    if chosen is None:
        raise SelectionError("No selection could be found, even with the quotas widened")
    by_id = {row[id_key]: row for row in rows}
    outcomes = []
    for quota in quotas:
        count = sum(1 for pid in chosen if by_id[pid][quota.feature] == quota.value)
        outcomes.append(
            QuotaOutcome(
                quota.feature,
                quota.value,
                quota.minimum,
                quota.maximum,
                count,
                quota.minimum <= count <= quota.maximum,
            )
        )
    shortfalls = [o for o in outcomes if not o.met]
    messages += [
        f"{o.feature} {o.value}: {o.selected} selected, quota {o.minimum} to {o.maximum}."
        for o in shortfalls
    ]
    return SelectionResult(chosen, outcomes, not shortfalls, messages, seed)
