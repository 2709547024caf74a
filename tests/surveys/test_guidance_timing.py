"""Timing rules: 30-day surveys, 12-week consultations, dates present and in order, and the
pre-election period."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from surveys.guidance import SurveySpec, check_survey, load_election_dates
from surveys.guidance.timing import ELECTION_DATES_CSV, check_timing, pre_election_period

POLL = date(2026, 5, 7)


def plan(opens: datetime | None, closes: datetime | None, **fields) -> SurveySpec:
    return SurveySpec("Timing", [], opens_at=opens, closes_at=closes, **fields)


def timing(spec: SurveySpec, polls=(), weeks: int = 6) -> list[tuple[str, str]]:
    found = check_timing(spec, election_polling_days=list(polls), pre_election_weeks=weeks)
    return [(f.rule, f.severity) for f in found]


def test_exactly_30_days_open_passes():
    assert timing(plan(datetime(2026, 9, 1, 9), datetime(2026, 10, 1, 9))) == []


def test_29_days_open_is_an_error_that_names_the_earliest_closing_time():
    (finding,) = check_timing(
        plan(datetime(2026, 9, 1, 9), datetime(2026, 9, 30, 9)), election_polling_days=[]
    )
    assert (finding.rule, finding.severity) == ("timing", "error")
    assert "09:00 on Thursday 1 October 2026" in finding.message


def test_short_period_with_an_urgent_reason_is_advice_quoting_the_reason():
    spec = plan(datetime(2026, 9, 1), datetime(2026, 9, 15), urgent_reason="Ward closes in October")
    (finding,) = check_timing(spec, election_polling_days=[])
    assert finding.severity == "advice"
    assert "Ward closes in October" in finding.message


def test_formal_consultation_under_12_weeks_is_an_error_even_when_urgent():
    opens = datetime(2026, 6, 1, 9)
    spec = plan(
        opens,
        opens + timedelta(weeks=12) - timedelta(hours=1),
        formal_consultation=True,
        urgent_reason="Urgent",
    )
    assert timing(spec) == [("timing", "error")]


def test_formal_consultation_of_12_weeks_passes():
    opens = datetime(2026, 6, 1, 9)
    assert timing(plan(opens, opens + timedelta(weeks=12), formal_consultation=True)) == []


@pytest.mark.parametrize(
    ("opens", "closes", "words"),
    [
        (None, datetime(2026, 10, 1), "opening date"),
        (datetime(2026, 9, 1), None, "closing date"),
        (None, None, "opening and closing dates"),
    ],
)
def test_missing_dates_are_an_error(opens, closes, words):
    (finding,) = check_timing(plan(opens, closes), election_polling_days=[POLL])
    assert (finding.rule, finding.severity) == ("timing", "error")
    assert words in finding.message


def test_closing_before_opening_is_an_error():
    (finding,) = check_timing(plan(datetime(2026, 10, 1), datetime(2026, 9, 1)))
    assert (finding.rule, finding.severity) == ("timing", "error")
    assert "closes" in finding.message


def test_clock_change_does_not_shorten_a_30_day_period():
    # Clocks go forward on 29 March 2026; wall-clock 30 days is still 30 days.
    assert timing(plan(datetime(2026, 3, 10, 9), datetime(2026, 4, 9, 9))) == []


def test_aware_times_are_compared_in_london_time():
    opens = datetime(2026, 9, 1, 8, tzinfo=UTC)  # 09:00 BST
    closes = datetime(2026, 10, 1, 9)  # naive: London
    assert timing(plan(opens, closes)) == []


def test_pre_election_period_is_six_weeks_up_to_and_including_polling_day():
    assert pre_election_period(POLL) == (date(2026, 3, 26), POLL)


def test_survey_overlapping_the_pre_election_period_is_an_error():
    spec = plan(datetime(2026, 3, 1, 9), datetime(2026, 4, 1, 17))
    findings = check_timing(spec, election_polling_days=[POLL])
    assert [(f.rule, f.severity) for f in findings] == [("pre_election", "error")]
    assert "Thursday 26 March 2026" in findings[0].message


def test_survey_closing_before_the_period_or_opening_after_polling_day_passes():
    before = plan(datetime(2026, 2, 1, 9), datetime(2026, 3, 25, 23, 59))
    after = plan(datetime(2026, 5, 8, 0, 0), datetime(2026, 6, 30, 17))
    assert timing(before, [POLL]) == []
    assert timing(after, [POLL]) == []


def test_polling_day_itself_is_inside_the_period():
    spec = plan(datetime(2026, 5, 7, 21), datetime(2026, 6, 30, 17))
    assert timing(spec, [POLL]) == [("pre_election", "error")]


def test_pre_election_weeks_can_be_changed():
    spec = plan(datetime(2026, 2, 1, 9), datetime(2026, 3, 30, 17))
    assert timing(spec, [POLL], weeks=4) == []
    assert timing(spec, [POLL], weeks=6) == [("pre_election", "error")]


def test_each_overlapped_election_is_reported():
    spec = plan(datetime(2026, 1, 1), datetime(2027, 12, 31))
    assert timing(spec, [POLL, date(2027, 5, 6)]) == [("pre_election", "error")] * 2


def test_check_survey_uses_the_seed_election_dates_by_default():
    spec = plan(datetime(2027, 4, 1, 9), datetime(2027, 5, 20, 17))
    assert "pre_election" in {f.rule for f in check_survey(spec)}
    assert "pre_election" not in {f.rule for f in check_survey(spec, election_polling_days=[])}


def test_seed_election_dates_match_the_shared_calendar_and_name_their_source():
    with open(ELECTION_DATES_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"].strip() for row in rows)
    assert load_election_dates() == [date(2026, 5, 7), date(2027, 5, 6), date(2028, 5, 4)]


def test_election_dates_load_from_any_csv_with_a_poll_date_column(tmp_path: Path):
    path = tmp_path / "polls.csv"
    path.write_text("poll_date,source\n2029-05-03,council\n", encoding="utf-8")
    assert load_election_dates(path) == [date(2029, 5, 3)]
