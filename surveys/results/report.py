"""The engagement report with the guide's six sections: dates and timescales; what engagement
took place; a breakdown of the participants; themes and findings; recommendations; next steps.
Staff write the recommendations and next steps; the rest comes from the data. Every count in it
follows the small-number rule, so it can be shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import render_template
from sqlalchemy.orm import Session

from surveys.fieldwork import invitations, stats
from surveys.models import Survey
from surveys.results import profile, public, publishing, themes
from surveys.results.figures import ResultFilters, removed_notice
from surveys.results.published import published_rows

SECTIONS = (
    "Dates and timescales",
    "What engagement took place",
    "Who took part",
    "Themes and findings",
    "Recommendations",
    "Next steps",
)


@dataclass
class ReportData:
    """Everything the engagement report shows."""

    survey: Survey
    page: object
    fieldwork: stats.Fieldwork | None
    open_links: list
    profile: list[tuple[str, list[dict]]]  # (label, rows with suppressed "n")
    figures: public.PublicFigures | None
    themes: list
    decisions: list
    quotes: list
    generated_at: datetime
    #: set once the answers were deleted under the retention schedule: no figures, only this.
    removed: str | None = None
    sections: tuple[str, ...] = SECTIONS


def report_data(session: Session, survey: Survey, now: datetime) -> ReportData:
    """Gather the engagement report's figures, profile, themes and decisions (once the answers
    are deleted under the retention schedule: what was written and decided, and a note)."""
    removed = removed_notice(survey)
    if removed:
        return ReportData(
            survey=survey,
            page=publishing.results_page(session, survey),
            fieldwork=None,
            open_links=invitations.open_links(session, survey),
            profile=[],
            figures=None,
            themes=[],
            decisions=publishing.decisions(session, survey),
            quotes=publishing.quotes(session, survey),
            generated_at=now,
            removed=removed,
        )
    tables = []
    for table in profile.respondent_profile(session, survey, ResultFilters()):
        rows = [
            {
                "label": r.label,
                "n": r.respondents,
                "share": r.respondent_share,
                "population": r.population_share,
            }
            for r in table.rows
        ]
        tables.append((table.label, published_rows(rows)))
    page = publishing.results_page(session, survey)
    theme_rows = themes.theme_counts(session, survey)
    shown_themes = published_rows([{"name": name, "n": n} for name, n in theme_rows])
    return ReportData(
        survey=survey,
        page=page,
        fieldwork=stats.fieldwork(session, survey),
        open_links=invitations.open_links(session, survey),
        profile=tables,
        figures=public.public_figures(session, survey, page, every_question=True),
        themes=shown_themes,
        decisions=publishing.decisions(session, survey),
        quotes=publishing.quotes(session, survey),
        generated_at=now,
    )


def report_html(data: ReportData) -> str:
    """The engagement report as an HTML document."""
    return render_template("surveys/results/report_document.html", report=data)


STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "report.css"


def report_pdf(data: ReportData) -> bytes:
    """The engagement report as a PDF."""
    from weasyprint import CSS, HTML  # noqa: PLC0415  heavy (Pango, cairo); only PDFs need it

    # No base_url and no links to fetch: the document and its stylesheet are local files.
    # PDF/UA-1: tagged (headings, tables with header cells, reading order), with the document's
    # language and its title shown as the window title, for screen readers and reflow.
    return HTML(string=report_html(data)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant="pdf/ua-1"
    )
