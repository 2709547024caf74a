"""The period the assurance dashboard covers: a financial year, since a date, or the last two
months (the committee meets every two months). Days are Europe/London days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wtforms import RadioField, SelectField, StringField
from wtforms.validators import Optional

from panel.field_errors import FieldError
from panel.forms_common import QueryForm

LONDON = ZoneInfo("Europe/London")
#: the first financial year anyone may choose (the panel's records start after it).
FIRST_FINANCIAL_YEAR = 2020
EARLIEST_SINCE = date(2000, 1, 1)
FINANCIAL_YEAR, SINCE, LAST_TWO_MONTHS = "year", "since", "two_months"
#: a period ending now includes what happened at now itself.
JUST_AFTER = timedelta(microseconds=1)


@dataclass(frozen=True)
class Period:
    """A span of London days, first and last included, and the instants that bound it."""

    first_day: date
    last_day: date
    label: str
    #: the start instant (UTC) and the end instant (exclusive; never after now).
    start_at: datetime
    end_at: datetime

    def __contains__(self, instant: datetime) -> bool:
        aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
        return self.start_at <= aware < self.end_at


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON).astimezone(UTC)


def make_period(first_day: date, last_day: date, label: str, now: datetime) -> Period:
    """The period from first_day to last_day (London days), ending no later than now (which
    it includes)."""
    end = min(_midnight(last_day + timedelta(days=1)), now.astimezone(UTC) + JUST_AFTER)
    return Period(first_day, last_day, label, _midnight(first_day), max(end, _midnight(first_day)))


def london_today(now: datetime) -> date:
    """Today's date in London."""
    return now.astimezone(LONDON).date()


def financial_year_start(day: date) -> int:
    """The calendar year in which the financial year holding ``day`` began (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year(start_year: int, now: datetime) -> Period:
    """1 April start_year to 31 March the year after (up to now for the current one)."""
    label = f"the financial year {start_year} to {start_year + 1}"
    return make_period(date(start_year, 4, 1), date(start_year + 1, 3, 31), label, now)


def last_two_months(now: datetime) -> Period:
    """The two months to today (since the same day two months ago), the committee's cycle."""
    today = london_today(now)
    month, year = today.month - 2, today.year
    if month < 1:
        month, year = month + 12, year - 1
    first = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return make_period(first, today, "the last 2 months", now)


def since(first_day: date, now: datetime) -> Period:
    """From first_day to today; raises FieldError (field since) for a future or too-early day."""
    today = london_today(now)
    if first_day > today:
        raise FieldError("The date must be today or earlier", "since")
    if first_day < EARLIEST_SINCE:
        raise FieldError(f"The date must be {EARLIEST_SINCE:%-d %B %Y} or later", "since")
    return make_period(first_day, today, f"since {first_day:%-d %B %Y}", now)


def parse_day(text: str) -> date:
    """A day typed as YYYY-MM-DD (or DD/MM/YYYY); raises FieldError (field since) otherwise."""
    text = (text or "").strip()
    if not text:
        raise FieldError("Enter the date to count from", "since")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FieldError("Enter a real date, for example 2026-04-01 or 01/04/2026", "since")


class PeriodForm(QueryForm):
    """The dashboard's period choice, sent by GET."""

    period = RadioField(
        "Period",
        choices=[
            (FINANCIAL_YEAR, "A financial year"),
            (SINCE, "Since a date"),
            (LAST_TWO_MONTHS, "The last 2 months (the committee's cycle)"),
        ],
        validators=[Optional()],
        validate_choice=True,
    )
    year = SelectField("Financial year", validators=[Optional()], validate_choice=True)
    since = StringField("Count from (for example 2026-04-01)", validators=[Optional()])


def year_choices(now: datetime) -> list[tuple[str, str]]:
    """Every financial year from the first to the current one, newest first."""
    current = financial_year_start(london_today(now))
    return [
        (str(year), f"April {year} to March {year + 1}")
        for year in range(current, FIRST_FINANCIAL_YEAR - 1, -1)
    ]


def chosen_period(form: PeriodForm, now: datetime) -> Period:
    """The period the form asks for (the current financial year when it asks for none).
    Raises FieldError naming the field when a choice cannot be used."""
    current = financial_year_start(london_today(now))
    choice = form.period.data if not form.period.errors else None
    if choice == SINCE:
        return since(parse_day(form.since.data), now)
    if choice == LAST_TWO_MONTHS:
        return last_two_months(now)
    year = int(form.year.data) if form.year.data and not form.year.errors else current
    return financial_year(year, now)


def show_defaults(form: PeriodForm, now: datetime) -> None:
    """Show the choices the page fell back on (the current financial year) as chosen."""
    if not form.period.data:
        form.period.data = FINANCIAL_YEAR
    if not form.year.data:
        form.year.data = str(financial_year_start(london_today(now)))
