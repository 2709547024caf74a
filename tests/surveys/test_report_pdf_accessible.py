"""The engagement report's PDF is tagged and accessible (PDF/UA-1): a structure tree with
headings and tables whose header cells are marked, marked content, the document's language and
its title in the metadata (shown as the window title)."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader

from panel.auth.models import Role
from surveys.results import publishing, report
from tests.factories import make_staff
from tests.surveys.results_helpers import closed_survey

#: where to keep the PDF of a run for a look by eye (pages rendered with pdftoppm by hand).
KEEP_PDF = os.environ.get("REPORT_PDF_KEEP")


def _structure(node, found: dict[str, int]) -> dict[str, int]:
    """Count the structure elements by type, walking the tree from ``node``."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if kind := node.get("/S"):
            found[str(kind)] = found.get(str(kind), 0) + 1
        if "/K" in node:
            _structure(node["/K"], found)
    elif isinstance(node, list):
        for child in node:
            _structure(child, found)
    return found


@pytest.fixture
def pdf(app, session, now):
    survey = closed_survey(session, now)[0]
    user = make_staff(session, Role.COMMS)
    publishing.save_page(
        session,
        survey,
        user,
        {"why_we_asked": "Why.", "what_you_said": "Most came by bus.", "topic": "hospitals"},
        now,
    )
    session.commit()
    with app.test_request_context():
        body = report.report_pdf(report.report_data(session, survey, now))
    if KEEP_PDF:
        with open(KEEP_PDF, "wb") as kept:
            kept.write(body)
    return survey, PdfReader(io.BytesIO(body))


def test_the_report_pdf_is_tagged_with_language_and_title(pdf):
    survey, reader = pdf
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Engagement report: {survey.title}"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    found = _structure(root["/StructTreeRoot"], {})
    assert found.get("/H1") == 1 and found.get("/H2", 0) >= 6
    assert found.get("/Table", 0) >= 3 and found.get("/TH", 0) >= found["/Table"]
    assert found.get("/TR", 0) > found["/Table"] and found.get("/TD", 0) > 0
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert "pdfuaid" in xmp  # declares PDF/UA


def test_the_stylesheet_keeps_headings_with_what_follows():
    css = report.STYLESHEET.read_text()
    assert "h1, h2, h3, caption { break-after: avoid;" in css
