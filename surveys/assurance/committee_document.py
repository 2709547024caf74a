"""The committee report as a document: an HTML page of its own and a tagged PDF (PDF/UA-1)
for the committee papers, drawn with the engagement report's stylesheet."""

from __future__ import annotations

from flask import render_template

from surveys.assurance.committee_report import CommitteeReport
from surveys.results.report import STYLESHEET


def title(report: CommitteeReport) -> str:
    """The report's title, naming the place for a place's version."""
    where = f" for {', '.join(report.place_names)}" if report.place_names else ""
    return (
        f"Insight and assurance report{where}: "
        f"{report.period.start:%-d %B %Y} to {report.period.end:%-d %B %Y}"
    )


def report_html(report: CommitteeReport) -> str:
    """The committee report as a standalone HTML document (the PDF's source)."""
    return render_template(
        "surveys/assurance/report_document.html", report=report, title=title(report)
    )


def report_pdf(report: CommitteeReport) -> bytes:
    """The committee report as a tagged PDF."""
    from weasyprint import CSS, HTML  # noqa: PLC0415  heavy (Pango, cairo); only PDFs need it

    # No base_url and no links to fetch: the document and its stylesheet are local files.
    return HTML(string=report_html(report)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant="pdf/ua-1"
    )
