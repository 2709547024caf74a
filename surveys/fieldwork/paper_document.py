"""The printable paper copy of a survey (a tagged PDF, like the engagement reports): every page's
questions laid out to be answered by hand, with the copy's reference at the top of each page so
that its answers are entered once only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import Session

from surveys import content as doc
from surveys.fieldwork.models import PaperCopy, ResponseEntry
from surveys.fieldwork.paper import BadReference, printed, read_reference
from surveys.models import Survey

STATIC = Path(__file__).resolve().parents[2] / "static"
STYLESHEETS = (STATIC / "report.css", STATIC / "paper_copy.css")
#: the most copies in one PDF (a few pages each): more are printed in several goes.
PRINT_LIMIT = 100


@dataclass(frozen=True)
class PaperDocument:
    """What the paper copies show: the survey, its questions' numbers and the references."""

    survey: Survey
    references: list[str]  # printed form
    #: question key -> its number on paper (1, 2, 3 ... across the pages).
    numbers: dict[str, int]
    made_at: datetime


def copies_to_print(session: Session, survey: Survey, typed: str | None) -> list[str] | None:
    """The references to print: the one named (None if it is not a copy of this survey), or up
    to PRINT_LIMIT copies not entered yet, oldest first."""
    query = sa.select(PaperCopy.reference).where(PaperCopy.survey_id == survey.id)
    if typed is not None:
        try:
            reference = read_reference(typed)
        except BadReference:
            return None
        found = session.scalar(query.where(PaperCopy.reference == reference))
        return [found] if found else None
    entered = sa.select(ResponseEntry.paper_copy_id).where(ResponseEntry.paper_copy_id.is_not(None))
    return list(
        session.scalars(
            query.where(PaperCopy.id.not_in(entered)).order_by(PaperCopy.id).limit(PRINT_LIMIT)
        )
    )


def paper_document(survey: Survey, references: list[str], made_at: datetime) -> PaperDocument:
    """The paper copies of ``references`` (stored form)."""
    numbers = {q["key"]: n for n, q in enumerate(doc.questions(survey.content or {}), start=1)}
    return PaperDocument(survey, [printed(r) for r in references], numbers, made_at)


def paper_html(document: PaperDocument) -> str:
    """The copies as one HTML document, each copy starting on a new page."""
    return render_template("surveys/fieldwork/paper_document.html", document=document)


def paper_pdf(document: PaperDocument) -> bytes:
    """The copies as a tagged PDF (PDF/UA-1), the reference at the top of every page."""
    from weasyprint import CSS, HTML  # noqa: PLC0415  heavy (Pango, cairo); only PDFs need it

    return HTML(string=paper_html(document)).write_pdf(
        stylesheets=[CSS(filename=str(sheet)) for sheet in STYLESHEETS], pdf_variant="pdf/ua-1"
    )
