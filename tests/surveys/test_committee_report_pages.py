"""The committee report's pages: observers read the report, its PDF and the dashboard and can
write nothing; a place board observer's pages hold only its place; the comms team keeps the
meeting dates; a wrong date is a message next to its field."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from panel.auth.models import Role
from surveys.assurance.models import CommitteeMeeting
from surveys.decisions import register
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields


def _meetings(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(CommitteeMeeting))


def test_an_observer_reads_the_report_and_dashboard_and_cannot_post(app, client, login_as, session):
    login_as(make_staff(session, Role.OBSERVER))
    page = client.get("/staff/assurance/report")
    assert page.status_code == 200 and "1. Summary" in page.text and "6. What next" in page.text
    assert 'method="post"' not in page.text.lower()
    assert "/staff/assurance/meetings" not in page.text
    pdf = client.get("/staff/assurance/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "/staff/assurance/report" in client.get("/staff/assurance/").text
    assert client.post("/staff/assurance/meetings", data={"held_on": "2026-10-01"}).status_code == (
        403
    )
    assert _meetings(session) == 0
    assert client.post("/staff/assurance/report").status_code == 405


def test_the_comms_team_adds_a_meeting_and_the_report_runs_from_it(client, login_as, session, now):
    login_as(make_staff(session, Role.COMMS))
    bad = client.post("/staff/assurance/meetings", data={"held_on": "2026-02-30"})
    assert bad.status_code == 400 and "Enter a real date" in bad.text
    assert 'value="2026-02-30"' in bad.text
    day = (now - timedelta(days=20)).date()
    added = client.post("/staff/assurance/meetings", data={"held_on": day.isoformat()})
    assert added.status_code == 302 and _meetings(session) == 1
    again = client.post("/staff/assurance/meetings", data={"held_on": day.isoformat()})
    assert again.status_code == 400 and "already recorded" in again.text
    report = client.get("/staff/assurance/report").text
    assert f"meeting on {day:%-d %B %Y}" in report


def test_a_wrong_period_is_a_message_next_to_the_field(client, login_as, session):
    login_as(make_staff(session, Role.OBSERVER))
    for query, message in (
        ("start=2026-02-30", "Enter a real date"),
        ("start=2026-05-01&end=2026-04-01", "The start date must be on or before the end date"),
        ("start=1066-10-14", "Enter a date between 2000 and 2100"),
    ):
        page = client.get(f"/staff/assurance/report?{query}")
        assert page.status_code == 200 and message in page.text, query
        assert "nhsuk-error-summary" in page.text
    chosen = client.get("/staff/assurance/report?start=2026-04-01&end=2026-05-31").text
    assert "1 April 2026 to 31 May 2026" in chosen


def test_a_place_board_observer_sees_only_its_place_on_dashboard_and_report(
    client, login_as, session, now
):
    comms = make_staff(session, Role.COMMS)
    for title, code in (("Blackpool clinic hours", "blackpool"), ("Lancashire ward", "lancashire")):
        register.create_decision(
            session,
            comms,
            fields(
                title=title,
                place_id=place(session, code).id,
                status="made",
                decided_on=(now - timedelta(days=3)).date(),
                no_involvement_reason="Staffing only.",
            ),
            now,
        )
    session.commit()
    login_as(make_staff(session, Role.OBSERVER, ["blackpool"]))
    dashboard = client.get("/staff/assurance/").text
    assert "Blackpool" in dashboard and ">Lancashire<" not in dashboard
    report = client.get("/staff/assurance/report?start=2026-01-01").text
    assert "Blackpool clinic hours" in report and "Lancashire ward" not in report
    assert "Insight and assurance report for Blackpool" in report
