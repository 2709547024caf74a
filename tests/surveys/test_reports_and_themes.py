"""Themes in comments (suggested, renamed, merged, coded by hand), the engagement report with
the guide's six sections, and the evidence pack whose manifest verifies."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from panel.auth.models import Role
from surveys.fieldwork.answers import refresh_answer_codes
from surveys.fieldwork.models import Answer, SurveyResponse
from surveys.results import evidence, report, themes
from surveys.results.models import ThemeCoding
from tests.factories import make_staff, place
from tests.surveys.results_helpers import closed_survey

PARKING = [
    "Parking at the hospital is too expensive",
    "Hospital parking costs too much money",
    "There is never any parking space at the hospital",
    "Expensive parking, and no space for disabled drivers",
    "The parking charges at the hospital are too expensive",
    "Finding a parking space takes longer than the appointment",
]
BUSES = [
    "The bus only runs once an hour from my village",
    "More buses in the evening please, the last bus leaves too early",
    "The bus stop is a long walk from the outpatients entrance",
    "A direct bus from the station would help",
    "Buses are late and the bus timetable is wrong",
    "Evening buses would let me visit my mum",
]


@pytest.fixture
def survey(session, now):
    survey = closed_survey(session, now)[0]
    responses = session.scalars(
        sa.select(SurveyResponse.id)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.status == "submitted")
        .order_by(SurveyResponse.id)
    ).all()
    session.execute(sa.delete(Answer).where(Answer.question_key == "q4"))
    for response_id, text in zip(responses, PARKING + BUSES, strict=False):
        session.add(Answer(response_id=response_id, question_key="q4", value=text))
    session.flush()
    for response_id in responses:
        refresh_answer_codes(session, survey, session.get(SurveyResponse, response_id))
    session.commit()
    return survey


def _theme_texts(session, survey):
    text_of = {(i, p): t for i, p, t in themes.texts(session, survey)}
    return {
        theme.name: {
            text_of[(c.answer_id, c.part)]
            for c in session.scalars(sa.select(ThemeCoding).where(ThemeCoding.theme_id == theme.id))
        }
        for theme in themes.themes(session, survey)
    }


def test_suggested_themes_separate_parking_from_buses(session, survey, now):
    user = make_staff(session, Role.COMMS)
    made = themes.suggest(session, survey, user, now, count=2)
    session.commit()
    assert len(made) == 2
    grouped = sorted(_theme_texts(session, survey).values(), key=lambda texts: "Taxi" in texts)
    found_parking = [g for g in grouped if set(PARKING) & g]
    found_buses = [g for g in grouped if set(BUSES) & g]
    assert len(found_parking) == 1 and len(found_buses) == 1
    assert set(PARKING) <= found_parking[0] and set(BUSES) <= found_buses[0]
    assert any("parking" in t.name.lower() for t in made)
    assert any("bus" in t.name.lower() for t in made)


def test_staff_rename_confirm_merge_and_code_themes(session, survey, now):
    user = make_staff(session, Role.COMMS)
    first, second = themes.suggest(session, survey, user, now, count=2)
    assert themes.theme_counts(session, survey) == []  # suggestions are not in reports
    themes.rename(session, survey, first.id, "Cost of parking", True, now)
    extra = themes.create(session, survey, "Accessibility", now)
    taxi = next(i for i, p, t in themes.texts(session, survey) if t == "Taxi")
    themes.code(session, survey, taxi, "other", extra.id)
    themes.code(session, survey, taxi, "other", extra.id)  # twice changes nothing
    with pytest.raises(themes.ThemeError):
        themes.code(session, survey, taxi, "comment", extra.id)  # no such comment part
    session.commit()
    assert dict(themes.theme_counts(session, survey)) == {"Cost of parking": 6, "Accessibility": 1}
    themes.merge(session, survey, second.id, first.id)
    session.commit()
    counts = dict(themes.theme_counts(session, survey))
    assert counts["Cost of parking"] == 12 + (
        1 if "Taxi" in _theme_texts(session, survey).get("Cost of parking", set()) else 0
    )
    summaries = {s.theme.name: s for s in themes.summaries(session, survey)}
    assert summaries["Accessibility"].by_place == [("Lancashire", 1)]
    assert len(summaries["Cost of parking"].examples) == 3
    with pytest.raises(themes.ThemeError):
        themes.merge(session, survey, first.id, first.id)


def test_too_few_comments_for_suggestions(session, now):
    survey = closed_survey(session, now)[0]
    with pytest.raises(themes.ThemeError, match="10 or more comments"):
        themes.suggest(session, survey, make_staff(session, Role.COMMS), now)


def test_the_report_has_the_six_sections_as_a_page_and_a_pdf(
    app, client, login_as, session, survey, now
):
    login_as(make_staff(session, Role.OBSERVER))
    page = client.get(f"/staff/surveys/{survey.id}/results/report")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    positions = [html.index(f"{n}. {title}") for n, title in enumerate(report.SECTIONS, 1)]
    assert positions == sorted(positions)
    # Small numbers follow the rule in the report too; a hidden cell says "hidden", since one
    # hidden only because it would reveal another need not be fewer than 8.
    assert ">hidden<" in html
    pdf = client.get(f"/staff/surveys/{survey.id}/results/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.test_request_context():
        text = report.report_html(report.report_data(session, survey, now))
    for title in report.SECTIONS:
        assert title in text


def test_the_evidence_pack_manifest_verifies(app, session, survey, now):
    with app.test_request_context():
        data = evidence.evidence_zip(session, survey, now + timedelta(days=1))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "survey-snapshot-v1.json",
        "survey-snapshot-hashes.json",
        "dates.json",
        "guidance-findings-and-overrides.json",
        "approvals-and-review.json",
        "responses-anonymised.csv",
        "codebook.csv",
        "engagement-report.pdf",
        evidence.MANIFEST,
    } <= names
    lines = archive.read(evidence.MANIFEST).decode().splitlines()
    assert len(lines) == len(names) - 1
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    hashes = json.loads(archive.read("survey-snapshot-hashes.json"))
    assert hashes and all(h["matches"] for h in hashes)
    overrides = json.loads(archive.read("guidance-findings-and-overrides.json"))
    from surveys.services import checking

    assert len(overrides) == len(checking.check(session, survey).all)
    assert all({"rule", "severity", "message", "override"} <= set(f) for f in overrides)
    everything = b"".join(archive.read(n) for n in names if not n.endswith(".pdf"))
    assert not re.search(rb"member\d+@|First\d+|Last\d+", everything)  # no names or addresses


def test_themes_and_evidence_pages_through_the_web(client, login_as, session, survey, now):
    user = login_as(make_staff(session, Role.COMMS))
    base = f"/staff/surveys/{survey.id}/results"
    assert client.post(f"{base}/themes/suggest").status_code == 302
    page = client.get(f"{base}/themes").get_data(as_text=True)
    assert "Suggested" in page
    bad = client.post(f"{base}/themes/new", data={"new-name": ""})
    assert bad.status_code == 400 and "Give the theme a name" in bad.get_data(as_text=True)
    evidence_zip = client.get(f"{base}/evidence.zip")
    assert evidence_zip.status_code == 200 and evidence_zip.mimetype == "application/zip"
    assert user.id
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    for path in ("themes", "report", "report.pdf", "evidence.zip"):
        assert client.get(f"{base}/{path}").status_code == 404
    assert place(session, "blackpool")
