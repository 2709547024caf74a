"""The printable paper copy of a survey (issue 23 point 4): a tagged PDF with every question
laid out to answer by hand and the copy's reference at the top of every page."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from panel.auth.models import Role
from surveys.fieldwork import entry, paper, paper_document
from tests.factories import make_staff
from tests.surveys.fieldwork_helpers import live_survey


@pytest.fixture
def real_now():
    return datetime.now(UTC)


def test_each_page_of_each_copy_carries_its_reference(app, session, now):
    survey, author = live_survey(session, now)
    copies = paper.make_paper_copies(session, survey, author, 2, now)
    session.commit()
    references = paper_document.copies_to_print(session, survey, None)
    assert references == [c.reference for c in sorted(copies, key=lambda c: c.id)]
    with app.test_request_context():
        document = paper_document.paper_document(survey, references, now)
        reader = PdfReader(io.BytesIO(paper_document.paper_pdf(document)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Paper copy: {survey.title}"
    pages = [page.extract_text() for page in reader.pages]
    first, second = (paper.printed(r) for r in references)
    assert all(first in text or second in text for text in pages)
    # Each copy starts on a page of its own and every page names the copy it belongs to.
    assert sum(1 for text in pages if f"Reference {first}" in text) >= 1
    assert sum(1 for text in pages if f"Reference {second}" in text) >= 1
    assert not any(f"Reference {first}" in text and f"Reference {second}" in text for text in pages)
    # Each copy's pages are numbered from 1: a copy is handed out on its own.
    starts = [n for n, text in enumerate(pages) if "Paper copy reference:" in text]
    assert len(starts) == 2 and starts[0] == 0
    assert all(pages[n].rstrip().endswith("Page 1") for n in starts)
    assert pages[1].rstrip().endswith("Page 2")
    whole = " ".join(pages)
    assert "How did you travel here?" in whole and "Tick one box." in whole
    assert "Answer this only if you answered Car to question 1." in whole


def test_entered_copies_are_not_printed_again_and_a_named_copy_is_checked(session, now):
    survey, author = live_survey(session, now)
    other, _ = live_survey(session, now)
    first, second = paper.make_paper_copies(session, survey, author, 2, now)
    elsewhere = paper.make_paper_copies(session, other, author, 1, now)[0]
    entry.start_entry(session, survey, author, "paper", first.reference, now)
    session.commit()
    assert paper_document.copies_to_print(session, survey, None) == [second.reference]
    named = paper_document.copies_to_print(session, survey, paper.printed(first.reference))
    assert named == [first.reference]  # reprinting one named copy is allowed
    for typed in (elsewhere.reference, "nonsense", ""):
        assert paper_document.copies_to_print(session, survey, typed) is None


def test_the_pdf_download(session, client, login_as, real_now):
    survey, author = live_survey(session, real_now)
    login_as(author)
    session.commit()
    path = f"/staff/surveys/{survey.id}/paper-copies.pdf"
    nothing = client.get(path)
    assert nothing.status_code == 302
    assert "make more copies first" in client.get(nothing.location).text
    copy = paper.make_paper_copies(session, survey, author, 1, real_now)[0]
    session.commit()
    listing = client.get(f"/staff/surveys/{survey.id}/paper-copies").text
    assert "paper-copies.pdf" in listing
    pdf = client.get(path)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].endswith(f'survey-{survey.id}-paper-copies.pdf"')
    one = client.get(f"{path}?reference={paper.printed(copy.reference)}")
    assert one.status_code == 200 and one.data.startswith(b"%PDF")
    assert client.get(f"{path}?reference=XXXX").status_code == 404
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    assert client.get(path).status_code == 403
