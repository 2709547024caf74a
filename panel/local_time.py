"""Wall-clock times in the panel's time zone made into instants, safely across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


class NonExistentTime(ValueError):
    """The local time is skipped when the clocks go forward."""


class AmbiguousTime(ValueError):
    """The local time happens twice when the clocks go back; ``choices`` are (fold, instant)."""

    def __init__(self, choices: list[tuple[int, datetime]]):
        super().__init__("ambiguous local time")
        self.choices = choices


def resolve_local_time(day: date, at: time, zone: str, fold: int | None = None) -> datetime:
    """The UTC instant of a wall-clock time in ``zone``.

    Raises NonExistentTime in the spring gap, and AmbiguousTime in the autumn overlap unless
    ``fold`` (0 = the first, summer-time occurrence; 1 = the second) says which is meant."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, at.replace(tzinfo=None, second=0, microsecond=0))
    candidates = []
    for candidate_fold in (0, 1):
        local = naive.replace(tzinfo=tz, fold=candidate_fold)
        instant = local.astimezone(UTC)
        # A time that does not survive the round trip does not exist on this day.
        if instant.astimezone(tz).replace(tzinfo=None) == naive:
            candidates.append((candidate_fold, instant))
    if not candidates:
        raise NonExistentTime("time skipped by the clock change")
    if len({instant for _f, instant in candidates}) == 1:
        return candidates[0][1]
    if fold is None:
        raise AmbiguousTime(candidates)
    return dict(candidates)[fold]
