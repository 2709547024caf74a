"""The assurance dashboard's period choice: financial years, since a date and the last two
months apply to every figure; a bad date is a message next to its field, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer.bulletins.models import Bulletin, BulletinStatus
from panel.auth.models import Role
from panel.field_errors import FieldError
from surveys.assurance import period as periods
from surveys.insights.models import InsightFinding, SourceKind
from surveys.models import Survey, SurveyStatus
from tests.factories import make_staff

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_periods_are_london_days_and_end_no_later_than_now():
    year = periods.financial_year(2025, NOW)
    assert (year.first_day, year.last_day) == (date(2025, 4, 1), date(2026, 3, 31))
    # 1 April is in British Summer Time: the year starts at 23:00 UTC on 31 March
    assert year.start_at == datetime(2025, 3, 31, 23, 0, tzinfo=UTC)
    assert year.end_at == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    current = periods.financial_year(2026, NOW)
    assert NOW in current and NOW + timedelta(seconds=1) not in current
    two = periods.last_two_months(NOW)
    assert two.first_day == date(2026, 9, 23) and NOW in two
    assert periods.last_two_months(datetime(2026, 4, 30, tzinfo=UTC)).first_day == date(2026, 2, 28)
    with pytest.raises(FieldError, match="today or earlier"):
        periods.since(date(2026, 11, 24), NOW)
    with pytest.raises(FieldError, match="2000 or later"):
        periods.since(date(1999, 12, 31), NOW)
    for typed in ("2026-02-30", "yesterday", "", "31/31/2026"):
        with pytest.raises(FieldError) as raised:
            periods.parse_day(typed)
        assert raised.value.field == "since"


def _page(client, query: str) -> str:
    response = client.get(f"/staff/assurance/?{query}")
    assert response.status_code == 200, query
    return response.text


def test_every_figure_follows_the_period_and_links_to_its_records(session, client, login_as):
    login_as(make_staff(session, Role.COMMS))
    author, reviewer = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    for title, opens in (
        ("Spring survey", datetime(2026, 5, 20, tzinfo=UTC)),
        ("Autumn survey", None),
    ):
        opens = opens or datetime.now(UTC) - timedelta(days=20)
        session.add(
            Survey(
                title=title,
                status=SurveyStatus.CLOSED,
                opens_at=opens,
                closes_at=opens + timedelta(days=40),
                author_id=author.id,
                approved_by_id=reviewer.id,
                content={"pages": []},
            )
        )
    session.add(
        Bulletin(
            title="October news",
            status=BulletinStatus.SENT,
            started_at=datetime.now(UTC) - timedelta(days=30),
        )
    )
    session.add(
        InsightFinding(
            title="Young carers' views on respite",
            summary="What young carers told Healthwatch",
            source_kind=SourceKind.PARTNER_REPORT,
            heard_on=(datetime.now(UTC) - timedelta(days=10)).date(),
            group_codes="|carers|young_people|",
            people_heard=23,
            owner_name="Engagement lead",
        )
    )
    session.commit()

    recent = _page(client, "period=two_months")
    assert "the last 2 months" in recent
    assert "Autumn survey" in recent and "Spring survey" not in recent
    assert "/staff/surveys/" in recent and "/stats" in recent and "October news" in recent
    # seldom-heard groups reached via partners, linked to the partner reports behind it
    assert "<strong>1</strong> of 1 partner report" in recent and "<strong>23</strong>" in recent
    assert "group=carers" in recent and "source=partner_report" in recent

    since = _page(client, "period=since&since=2026-05-01")
    assert "Autumn survey" in since and "Spring survey" in since
    older = _page(client, "period=year&year=2020")
    assert "no survey opened in the period" in older and "no bulletin was sent" in older


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=since&since=2026-02-30", "Enter a real date"),
        ("period=since&since=", "Enter the date to count from"),
        ("period=since&since=2099-01-01", "today or earlier"),
        ("period=decade", "Not a valid choice"),
        ("period=year&year=1066", "Not a valid choice"),
    ],
)
def test_a_bad_period_is_named_next_to_its_field_and_keeps_what_was_typed(
    session, client, login_as, query, message
):
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    html = _page(client, query)
    assert "There is a problem" in html and message in html
    if "since=2" in query:
        assert f'value="{query.rsplit("=", 1)[1]}"' in html


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.text(max_size=40), choice=st.sampled_from(["since", "year", "two_months", "x"]))
def test_any_typed_period_is_answered_without_an_error_page(
    session, client, login_as, typed, choice
):
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    response = client.get(
        "/staff/assurance/", query_string={"period": choice, "since": typed, "year": typed}
    )
    assert response.status_code == 200
