"""The committee report: its six sections for the period since the last meeting, every figure a
recount of the rows, a tagged PDF with its headings in order, and a place board's version that
holds no other place's records."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from panel.auth.models import Role
from panel.field_errors import FieldError
from surveys.assurance import committee_document, committee_report, meetings
from surveys.assurance.committee_report import SECTIONS
from surveys.decisions import register
from surveys.results import publishing
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields, made_decision
from tests.surveys.results_helpers import closed_survey


@pytest.fixture
def world(app, session, now):
    """An ICB-wide survey and one each for Blackpool and Lancashire (each answered by 10 people
    in Blackpool and 12 in Lancashire), one published; decisions for each and ICB-wide."""
    comms = make_staff(session, Role.COMMS)
    blackpool, lancashire = place(session, "blackpool"), place(session, "lancashire")
    icb = closed_survey(session, now, members=False, title="Travel to the hospital")[0]
    closed_survey(session, now, members=False, title="Blackpool parking", place_id=blackpool.id)
    other = closed_survey(
        session, now, members=False, title="Lancashire stroke care", place_id=lancashire.id
    )[0]
    publishing.save_page(
        session,
        icb,
        comms,
        {"why_we_asked": "Why.", "what_you_said": "Buses are rare.", "next_steps": "Next."},
        now,
    )
    with app.test_request_context():
        publishing.publish(session, icb, comms, now - timedelta(hours=2))
    made_decision(session, comms, icb, now)
    for title, place_id, status in (
        ("Blackpool evening clinic", blackpool.id, "made"),
        ("Lancashire ward move", lancashire.id, "made"),
        ("Blackpool parking charges", blackpool.id, "proposed"),
        ("Lancashire stroke unit", lancashire.id, "proposed"),
    ):
        register.create_decision(
            session,
            comms,
            fields(
                title=title,
                place_id=place_id,
                status=status,
                body_kind="place_board",
                body_name="Place Partnership Board",
                decided_on=(now - timedelta(days=3)).date(),
                no_involvement_reason="Staffing only.",
            ),
            now,
        )
    meetings.add_meeting(session, (now - timedelta(days=45)).date())
    meetings.add_meeting(session, (now + timedelta(days=15)).date())
    session.commit()
    return {"other": other}


def _count(session, sql: str, **params) -> int:
    return session.execute(sa.text(sql), params).scalar()


def _report(app, session, user, now):
    period = committee_report.default_period(session, now.date())
    data = committee_report.committee_report(session, user, period, now)
    with app.test_request_context():
        html = committee_document.report_html(data)
    return data, html


def test_the_report_runs_from_the_last_meeting_with_six_sections_and_recounted_figures(
    app, session, now, world
):
    data, html = _report(app, session, make_staff(session, Role.OBSERVER), now)
    meeting = (now - timedelta(days=45)).date()
    assert (data.period.start, data.period.end, data.period.since_meeting) == (
        meeting,
        now.date(),
        meeting,
    )
    assert data.next_meeting == (now + timedelta(days=15)).date()
    headings = re.findall(r"<h2>(\d)\. ([^<]+)</h2>", html)
    assert headings == [(str(n), name) for n, name in enumerate(SECTIONS, start=1)]
    start = f"{meeting} 00:00:00"
    submitted = (
        "FROM survey_responses r JOIN places p ON p.id = r.place_id "
        "WHERE r.status = 'submitted' AND r.submitted_at >= :start"
    )
    assert data.respondents == _count(session, f"SELECT count(*) {submitted}", start=start) == 66
    by_place = session.execute(
        sa.text(f"SELECT p.name, count(*) {submitted} GROUP BY p.name"), {"start": start}
    ).all()
    assert {(bar.label, bar.count) for bar in data.heard_by_place} == set(by_place)
    assert sum(bar.count for bar in data.heard_by_age) == 66
    assert [e.title for e in data.exercises] == [
        "Travel to the hospital",
        "Blackpool parking",
        "Lancashire stroke care",
    ]
    assert [e.respondents for e in data.exercises] == [22, 22, 22]
    assert sum(bar.count for bar in data.levels) == len(data.exercises)
    assert [f.title for f in data.findings] == ["Travel to the hospital"]
    assert {d.title for d in data.place_decisions} == {
        "Blackpool evening clinic",
        "Lancashire ward move",
    }
    assert [d.title for d in data.icb_decisions] == ["Later bus services to the hospital"]
    assert {d.title for d in data.proposed_place} == {
        "Blackpool parking charges",
        "Lancashire stroke unit",
    }
    assert "Buses are rare." in html and "We did" in html
    assert data.dashboard.decisions == _count(
        session,
        "SELECT count(*) FROM decisions WHERE status != 'proposed' AND decided_on >= :start",
        start=str(meeting),
    )


def test_a_place_board_observer_reads_only_its_place_and_icb_wide_items_apart(
    app, session, now, world
):
    board = make_staff(session, Role.OBSERVER, ["blackpool"])
    data, html = _report(app, session, board, now)
    assert data.place_names == ["Blackpool"]
    for other in ("Lancashire stroke care", "Lancashire ward move", "Lancashire stroke unit"):
        assert other not in html
    assert "Lancashire" not in html.replace("NHS Lancashire and South Cumbria", "")
    assert [e.title for e in data.exercises] == ["Blackpool parking"]
    # people living in Blackpool, answering Blackpool's own or ICB-wide surveys (a recount)
    heard = _count(
        session,
        "SELECT count(*) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id "
        "JOIN places p ON p.id = r.place_id WHERE r.status = 'submitted' "
        "AND p.code = 'blackpool' AND (s.place_id IS NULL OR s.place_id = p.id)",
    )
    assert data.respondents == heard == 20
    assert {(b.label, b.count) for b in data.heard_by_scope} == {
        ("Blackpool surveys", 10),
        ("ICB-wide surveys", 10),
    }
    assert [d.title for d in data.place_decisions] == ["Blackpool evening clinic"]
    assert [d.title for d in data.icb_decisions] == ["Later bus services to the hospital"]
    icb_part = html.split("<h3>ICB-wide decisions</h3>", 1)[1]
    assert "Later bus services to the hospital" in icb_part
    assert "Blackpool evening clinic" not in icb_part
    assert data.dashboard.decisions == 1 and [p.name for p in data.dashboard.by_place] == [
        "Blackpool"
    ]


def test_the_pdf_is_tagged_with_title_language_and_headings_in_order(app, session, now, world):
    data = committee_report.committee_report(
        session,
        make_staff(session, Role.OBSERVER),
        committee_report.default_period(session, now.date()),
        now,
    )
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(committee_document.report_pdf(data)))
        title = committee_document.title(data)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en-GB" and reader.metadata.title == title
    kinds = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                kinds.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(root["/StructTreeRoot"])
    headings = [k for k in kinds if re.fullmatch(r"/H\d", k)]
    assert headings[0] == "/H1" and headings.count("/H1") == 1
    assert headings.count("/H2") == len(SECTIONS)
    assert "/H3" not in headings[: headings.index("/H2")]  # no level skipped
    assert kinds.count("/Table") >= 4 and kinds.count("/TH") > kinds.count("/Table")
    text = " ".join(page.extract_text() for page in reader.pages)
    where = [text.find(f"{n}. {name}") for n, name in enumerate(SECTIONS, start=1)]
    assert -1 not in where and where == sorted(where)


def test_the_period_defaults_to_two_months_without_meetings_and_refuses_a_backward_one(
    session, now
):
    period = committee_report.default_period(session, now.date())
    assert period.assumed and (now.date() - period.start).days == 61
    with pytest.raises(FieldError) as error:
        committee_report.chosen_period(session, now.date(), date(2026, 5, 1), date(2026, 4, 1))
    assert error.value.field == "start"
    with pytest.raises(FieldError):
        meetings.add_meeting(session, date(1900, 1, 1))
    meetings.add_meeting(session, date(2026, 10, 1))
    with pytest.raises(FieldError) as error:
        meetings.add_meeting(session, date(2026, 10, 1))
    assert error.value.field == "held_on"
