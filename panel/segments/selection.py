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


@dataclass(frozen=True)
class Quota:
    """One category of one characteristic."""

    feature: str
    value: str
    minimum: int
    maximum: int


@dataclass
class QuotaOutcome:
    """Whether a quota of a fair selection was met, with its bounds and the number chosen."""

    feature: str
    value: str
    minimum: int
    maximum: int
    selected: int
    met: bool


@dataclass
class SelectionResult:
    """The members a fair selection chose and how each quota came out."""

    selected_ids: list[str]
    outcomes: list[QuotaOutcome]
    all_met: bool
    messages: list[str]
    seed: int
    #: people either side every quota was widened by to find this selection.
    widened_by: int = 0


class SelectionError(ValueError):
    """The request cannot be met at all (bad numbers, no people); the message says why."""


class QuotasConflict(SelectionError):
    """No group meets every quota at once; widening each by ``needed`` people either side
    gives one (with the same seed, so agreeing to it gives exactly that selection)."""

    def __init__(self, needed: int):
        self.needed = needed
        person = "person" if needed == 1 else "people"
        super().__init__(
            "No group meets every quota at once in this pool: the characteristics pull against "
            f"each other. Widening every quota by {needed} {person} either side gives a "
            "selection: enter that number to allow it, or choose fewer characteristics."
        )


def _rows(people: list[dict[str, str]], quotas: list[Quota], id_key: str) -> list[dict[str, str]]:
    """The people as the library reads them. Everyone must have a value with a quota: a person
    the quotas cannot count would make them silently mean less, so the caller decides first
    (panel.segments.services.quotas leaves those who did not answer out of the pool)."""
    features = sorted({q.feature for q in quotas})
    known = {(q.feature, q.value) for q in quotas}
    rows = []
    for person in people:
        row = {id_key: str(person[id_key])}
        for feature in features:
            value = str(person.get(feature) or "")
            if (feature, value) not in known:
                raise SelectionError(f"No quota for {feature} {value or '(not known)'}")
            row[feature] = value
        rows.append(row)
    return rows


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


def _first_selection(rows, quotas, number_wanted, seed, id_key, steps) -> tuple[int, list[str]]:
    """The first widening step (from ``steps``) at which a selection exists, and its people."""
    for step in steps:
        chosen = _attempt(rows, _relaxed(quotas, step, number_wanted), number_wanted, seed, id_key)
        if chosen is not None:
            return step, chosen
    raise SelectionError("No selection could be found, even with every quota open")


def select_fairly(
    people: list[dict[str, str]],
    quotas: list[Quota],
    number_wanted: int,
    seed: int,
    id_key: str = "id",
    widen_up_to: int = 0,
) -> SelectionResult:
    """Pick ``number_wanted`` people meeting the quotas on every feature at once; the same inputs
    and seed give the same people. Every person needs a value with a quota.

    Quotas that no group meets all at once are widened by one person either side at a time, but
    only up to ``widen_up_to`` (what the user agreed to): past that, QuotasConflict says how
    far they would need widening. Raises SelectionError (of which QuotasConflict)."""
    if number_wanted <= 0:
        raise SelectionError("Ask for at least one person")
    if not people:
        raise SelectionError("There is nobody to select from")
    if number_wanted > len(people):
        raise SelectionError(f"Only {len(people)} people can be selected from")
    if not quotas:
        raise SelectionError("Choose at least one characteristic to balance")
    rows = _rows(people, quotas, id_key)
    state = random.getstate()  # the library seeds the global generator: give it back afterwards
    try:
        allowed = range(0, max(0, widen_up_to) + 1)
        try:
            step, chosen = _first_selection(rows, quotas, number_wanted, seed, id_key, allowed)
        except SelectionError:
            beyond = range(allowed.stop, number_wanted + 1)
            needed, _ = _first_selection(rows, quotas, number_wanted, seed, id_key, beyond)
            raise QuotasConflict(needed) from None
    finally:
        random.setstate(state)
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
    messages = [
        f"{o.feature} {o.value}: {o.selected} selected, quota {o.minimum} to {o.maximum}."
        for o in shortfalls
    ]
    return SelectionResult(chosen, outcomes, not shortfalls, messages, seed, step)
