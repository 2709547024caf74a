"""The annual report's involvement section (NHS Act 2006 s.14Z58): the financial year typed in
any usual way or refused with a reason, every figure recounted from the raw rows across the
year's edges, the draft generated from them, edited, warned about when the register changes, and
downloaded as Markdown and HTML."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from panel.places.models import Place
from surveys.annual_report import drafting, figures
from surveys.annual_report.figures import FinancialYear, YearError
from surveys.annual_report.rendering import html_document
from surveys.decisions import register
from surveys.decisions.models import DecisionRecord, DecisionStatus
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.insights import library
from surveys.insights.models import InsightFinding
from surveys.models import ResultsPage, Survey, SurveyStatus
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields, survey_link
from tests.surveys.insight_helpers import finding_fields
from tests.surveys.results_helpers import closed_survey

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)


def _link(kind: str, record_id: int) -> str:
    return f"https://panel.example/{kind}/{record_id}"


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("2025/26", 2025),
        (" 2025-26 ", 2025),
        ("2025 to 2026", 2025),
        ("2025", 2025),
        ("2026/27", 2026),
    ],
)
def test_a_financial_year_can_be_typed_the_usual_ways(typed, start):
    year = figures.parse_year(typed, TODAY)
    assert (year.start, year.end) == (date(start, 4, 1), date(start + 1, 3, 31))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "like 2025/26"),
        ("last year", "like 2025/26"),
        ("2025/27", "April to the next March"),
        ("2025 to 2025", "April to the next March"),
        ("2027/28", "has not started yet"),
        ("1999/00", "from 2022/23"),
        ("99999", "like 2025/26"),
    ],
)
def test_a_bad_financial_year_is_refused_with_a_reason(typed, message):
    with pytest.raises(YearError, match=message) as error:
        figures.parse_year(typed, TODAY)
    assert error.value.field == "year"


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_year_or_a_reason(text):
    try:
        year = figures.parse_year(text, TODAY)
    except YearError:
        return
    assert year.start <= TODAY


def _recount(session, year: FinancialYear) -> dict:
    """The figures by hand from every row (no SQL filtering), for comparison."""
    first = datetime(year.start_year, 4, 1, tzinfo=LONDON)
    after = datetime(year.start_year + 1, 4, 1, tzinfo=LONDON)
    made = [
        d
        for d in session.scalars(sa.select(DecisionRecord))
        if d.status is not DecisionStatus.PROPOSED and first.date() <= d.decided_on < after.date()
    ]
    ran = [
        s
        for s in session.scalars(sa.select(Survey))
        if s.status in (SurveyStatus.LIVE, SurveyStatus.CLOSED)
        and s.opens_at is not None
        and first <= s.opens_at < after
    ]
    heard = [
        f
        for f in session.scalars(sa.select(InsightFinding))
        if first.date() <= f.heard_on < after.date()
    ]
    events = [f for f in heard if f.source_kind.value in ("event", "focus_group")]
    responses = [
        r
        for r in session.scalars(sa.select(SurveyResponse))
        if r.status is ResponseStatus.SUBMITTED and first <= r.submitted_at < after
    ]
    pages = [
        p
        for p in session.scalars(sa.select(ResultsPage))
        if p.published_at is not None and first <= p.published_at < after
    ]
    names = {p.id: p.name for p in session.scalars(sa.select(Place))}
    places = Counter(names.get(s.place_id, "ICB-wide") for s in ran)
    places.update(names.get(e.place_id, "ICB-wide") for e in events)
    return {
        "decisions_made": len(made),
        "decisions_with_involvement": sum(1 for d in made if d.links),
        "decisions_duty_applied": sum(1 for d in made if d.duty_applies),
        "duty_applied_without_involvement": sum(1 for d in made if d.duty_applies and not d.links),
        "decisions_published": sum(1 for d in made if d.published_at),
        "surveys_run": len(ran),
        "events_run": len(events),
        "survey_responses": len(responses),
        "people_at_events": sum(e.people_heard or 0 for e in events),
        "partner_reports": sum(1 for f in heard if f.source_kind.value == "partner_report"),
        "results_published": len(pages),
        "by_place": dict(places),
    }


def _register_year(session, now):
    """Decisions on and around the edges of 2026/27, a survey, an event and a partner report."""
    comms = make_staff(session, Role.COMMS)
    survey, _author = closed_survey(session, now)  # opened 41 days ago, 22 responses sent
    session.add(ResultsPage(survey_id=survey.id, published_at=now - timedelta(days=2)))
    made_on = [date(2026, 3, 31), date(2026, 4, 1), date(2027, 3, 31), date(2026, 11, 1)]
    made = []
    for number, day in enumerate(made_on):
        decision = register.create_decision(
            session,
            comms,
            fields(title=f"Decision {number}", decided_on=day, duty_applies=number != 3),
            now - timedelta(days=400),
        )
        made.append(decision)
    register.add_link(session, made[1], comms, survey_link(survey.id), now)
    register.add_link(session, made[3], comms, survey_link(survey.id), now)
    register.create_decision(session, comms, fields(title="Still proposed"), now)
    for decision in made[:2] + made[3:]:
        register.change_status(session, decision, comms, "made", now)
    register.publish(session, made[3], comms, now)
    session.execute(  # made in the future: only possible by editing the rows, kept to test edges
        sa.update(DecisionRecord)
        .where(DecisionRecord.id == made[2].id)
        .values(status=DecisionStatus.MADE)
    )
    library.record_insight(
        session,
        comms,
        finding_fields(
            title="Blackpool listening event",
            source_kind="event",
            involvement="discuss",
            place_id=place(session, "blackpool").id,
            people_heard=35,
            heard_on=date(2026, 4, 1),
        ),
        now,
    )
    library.record_insight(session, comms, finding_fields(heard_on=date(2026, 3, 31)), now)
    library.record_insight(session, comms, finding_fields(heard_on=date(2026, 10, 1)), now)
    session.flush()
    session.expire_all()
    return comms, survey, made


def test_every_figure_equals_a_recount_from_the_rows(session, now):
    _comms, survey, made = _register_year(session, now)
    year = figures.financial_year(2026, TODAY)
    counted = figures.annual_figures(session, year, LONDON)
    recount = _recount(session, year)
    record = figures.as_record(counted)
    assert {key: record[key] for key in recount if key != "by_place"} == {
        key: value for key, value in recount.items() if key != "by_place"
    }
    assert dict(map(tuple, counted.by_place)) == recount["by_place"]
    # and by hand: 1 April 2026, 31 March 2027 and 1 November made; 31 March 2026 is last year's
    assert (counted.decisions_made, counted.decisions_with_involvement) == (3, 2)
    assert (counted.decisions_duty_applied, counted.duty_applied_without_involvement) == (2, 1)
    assert (counted.surveys_run, counted.events_run, counted.exercises) == (1, 1, 2)
    assert (counted.survey_responses, counted.people_at_events) == (22, 35)
    assert (counted.partner_reports, counted.results_published) == (1, 1)
    assert counted.by_level == [["Discuss", 1], ["Listen", 1]]
    assert [e.decision_id for e in counted.examples] == [made[3].id]
    assert counted.examples[0].survey_id == survey.id
    assert (
        figures.annual_figures(session, figures.financial_year(2025, TODAY), LONDON).decisions_made
        == 1
    )


def test_the_draft_states_the_figures_keeps_edits_and_warns_when_the_register_changes(session, now):
    comms, _survey, made = _register_year(session, now)
    year = figures.financial_year(2026, TODAY)
    counted = figures.annual_figures(session, year, LONDON)
    draft = drafting.generate_draft(session, comms, year, counted, _link, now)
    assert "## How we involved the public in 2026/27" in draft.body
    assert "made 3 decisions recorded" in draft.body and "2 of them (67%)" in draft.body
    assert "22 completed survey responses" in draft.body and "35 people" in draft.body
    assert f"https://panel.example/decision/{made[3].id}" in draft.body
    assert "https://panel.example/results/" in draft.body
    assert not drafting.is_stale(draft, counted)

    drafting.save_draft(session, comms, year, draft.body + "\nOur own paragraph.\n", now)
    with pytest.raises(drafting.DraftError) as error:
        drafting.save_draft(session, comms, year, "   ", now)
    assert error.value.field == "body"
    assert draft.body.endswith("Our own paragraph.\n")

    register.create_decision(
        session,
        comms,
        fields(title="Late addition", decided_on=date(2026, 5, 1), status="made"),
        now,
    )
    session.flush()
    later = figures.annual_figures(session, year, LONDON)
    assert drafting.is_stale(draft, later)
    assert ("Decisions made", 3, 4) in drafting.changed_figures(draft, later)


def test_user_text_cannot_add_links_or_markup_to_the_draft(session, now):
    comms = make_staff(session, Role.COMMS)
    decision = register.create_decision(
        session,
        comms,
        fields(title="[Win](javascript:alert(1)) <script>x</script>", decided_on=date(2026, 5, 1)),
        now,
    )
    register.add_link(session, decision, comms, survey_link(closed_survey(session, now)[0].id), now)
    register.change_status(session, decision, comms, "made", now)
    register.publish(session, decision, comms, now)
    counted = figures.annual_figures(session, figures.financial_year(2026, TODAY), LONDON)
    text = drafting.generate_text(counted, _link)
    assert "\\[Win\\](javascript:alert(1))" in text
    html = html_document(text, "Involving the public")
    assert "javascript:" not in html.replace("(javascript:alert(1))", "")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_page_refuses_a_bad_year_beside_the_field_and_downloads_the_draft(
    app, client, session, now, login_as
):
    comms = make_staff(session, Role.COMMS)
    session.commit()
    login_as(comms)
    page = client.get("/staff/annual-report/?year=2025/27")
    assert page.status_code == 400
    assert "April to the next March" in page.get_data(as_text=True)
    assert client.get("/staff/annual-report/?year=1900").status_code == 400
    assert (
        client.get("/staff/annual-report/99999999999999999999/involvement-section.md").status_code
        == 404
    )
    page = client.get("/staff/annual-report/?year=2025/26")
    assert page.status_code == 200 and "No draft yet for 2025/26" in page.get_data(as_text=True)
    markdown = client.get("/staff/annual-report/2025/involvement-section.md")
    assert markdown.mimetype == "text/markdown"
    assert "## How we involved the public in 2025/26" in markdown.get_data(as_text=True)
    html = client.get("/staff/annual-report/2025/involvement-section.htm")
    assert html.mimetype == "text/html" and "<h2>How we involved the public in 2025/26</h2>" in (
        html.get_data(as_text=True)
    )
    assert "attachment" in html.headers["Content-Disposition"]
