"""Timing rules: open long enough (30 days; 12 weeks for a formal consultation) and not
during the pre-election period (six weeks before a polling day, up to and including it).

Times are compared as Europe/London wall-clock time, so a survey open from 09:00 on 1 March to
09:00 on 31 March counts as 30 days even though the clocks change in between.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from .spec import Finding, SurveySpec

LONDON = ZoneInfo("Europe/London")
MIN_SURVEY_PERIOD = timedelta(days=30)
# The engagement guide asks for "at least three months"; 12 weeks is the usual floor.
MIN_CONSULTATION_PERIOD = timedelta(weeks=12)
PRE_ELECTION_WEEKS = 6

# Seed data only: the app keeps the maintained list of polling days in its database.
ELECTION_DATES_CSV = Path(__file__).with_name("election_dates.csv")


def load_election_dates(path: Path | str = ELECTION_DATES_CSV) -> list[date]:
    """Polling days from a CSV with a poll_date column (YYYY-MM-DD)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return sorted(
            date.fromisoformat(row["poll_date"].strip()) for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def _default_polling_days() -> tuple[date, ...]:
    return tuple(load_election_dates())


def _local(value: datetime) -> datetime:
    """London wall-clock time without a zone; naive values are already London time."""
    if value.tzinfo is None:
        return value
    return value.astimezone(LONDON).replace(tzinfo=None)


def _day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def _when(value: datetime) -> str:
    return f"{value:%H:%M} on {_day(value)}"


def pre_election_period(polling_day: date, weeks: int = PRE_ELECTION_WEEKS) -> tuple[date, date]:
    """First and last day (inclusive) of the pre-election period before `polling_day`."""
    return polling_day - timedelta(weeks=weeks), polling_day


def _period_findings(spec: SurveySpec, opens: datetime, closes: datetime) -> list[Finding]:
    length = closes - opens
    days = length.days
    if spec.formal_consultation:
        if length < MIN_CONSULTATION_PERIOD:
            earliest = opens + MIN_CONSULTATION_PERIOD
            message = (
                f"A formal consultation must run for at least 12 weeks; this one runs for {days}"
                f" days. Move the closing date to {_when(earliest)} or later (the engagement "
                "guide asks for about three months)."
            )
            return [Finding("timing", "error", message)]
        return []
    if length >= MIN_SURVEY_PERIOD:
        return []
    earliest = opens + MIN_SURVEY_PERIOD
    if spec.urgent_reason.strip():
        message = (
            f"The survey runs for {days} days, under the usual 30, because it is urgent: "
            f"'{spec.urgent_reason.strip()}'. Make sure the people who need to take part can "
            "still do so in time."
        )
        return [Finding("timing", "advice", message)]
    message = (
        f"Surveys should run for at least 30 days; this one runs for {days} days. Move the "
        f"closing date to {_when(earliest)} or later, or record why it is urgent."
    )
    return [Finding("timing", "error", message)]


def check_timing(
    spec: SurveySpec,
    *,
    election_polling_days: Iterable[date] | None = None,
    pre_election_weeks: int = PRE_ELECTION_WEEKS,
) -> list[Finding]:
    """`election_polling_days` None means the seed list in election_dates.csv."""
    missing = [
        name
        for name, value in (("opening", spec.opens_at), ("closing", spec.closes_at))
        if value is None
    ]
    if missing:
        message = (
            f"Set the {' and '.join(missing)} date{'s' if len(missing) > 1 else ''} so we can "
            "check the survey runs long enough and avoids the pre-election period."
        )
        return [Finding("timing", "error", message)]
    opens, closes = _local(spec.opens_at), _local(spec.closes_at)
    if closes <= opens:
        message = (
            f"The survey closes ({_when(closes)}) before it opens ({_when(opens)}). "
            "Check the dates."
        )
        return [Finding("timing", "error", message)]

    findings = _period_findings(spec, opens, closes)
    if election_polling_days is None:
        election_polling_days = _default_polling_days()
    for polling_day in sorted(set(election_polling_days)):
        first, last = pre_election_period(polling_day, pre_election_weeks)
        period_start = datetime.combine(first, time.min)
        period_end = datetime.combine(last + timedelta(days=1), time.min)
        if opens < period_end and closes > period_start:
            message = (
                f"The survey is open during the pre-election period before the elections on "
                f"{_day(polling_day)} (from {_day(first)}), when engagement is restricted. "
                f"Close it before {_day(first)} or open it after {_day(polling_day)}, or ask the "
                "communications and engagement team."
            )
            findings.append(Finding("pre_election", "error", message))
    return findings
