"""A printable recruitment brief for one place (and, optionally, one partner's sign-up link):
the place's target, where it stands, the groups it most needs and the link with its QR code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import render_template

from panel.members.models import RecruitmentSource
from panel.recruitment.plan import PlacePlan

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "report.css"


@dataclass(frozen=True)
class Brief:
    """Everything the brief shows."""

    plan: PlacePlan
    source: RecruitmentSource | None
    #: the joining link: the source's own, or the plain joining page.
    link: str
    qr: str
    made_at: datetime


def brief_html(brief: Brief) -> str:
    """The brief as an HTML document."""
    return render_template("panel/recruitment/brief_document.html", brief=brief)


def brief_pdf(brief: Brief) -> bytes:
    """The brief as a tagged PDF (PDF/UA-1), like the engagement reports."""
    from weasyprint import CSS, HTML  # noqa: PLC0415  heavy (Pango, cairo); only PDFs need it

    return HTML(string=brief_html(brief)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant="pdf/ua-1"
    )
