"""Public-page objects as the API's plain dicts: the figures come from the same services that
feed the public pages (surveys.results.public and published), so the same cells are hidden."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from mailer.bulletins.archive import ArchiveEntry
from panel.disclosure import HIDDEN
from surveys.decisions.models import DecisionRecord
from surveys.models import Survey
from surveys.results import figure_cache, public
from surveys.results.figures import removed_notice
from surveys.results.models import ResultsPage


def shown(value):
    """A published count, or None where the page says it is hidden."""
    return None if value == HIDDEN else value


def survey_summary(survey: Survey, page: ResultsPage) -> dict:
    """A survey with published results."""
    return {
        "id": survey.id,
        "title": survey.title,
        "place": survey.place.name if survey.place is not None else None,
        "topic": page.topic or "",
        "closed_at": survey.closed_at,
        "published_at": page.published_at,
        "page_url": url_for("engagement.results", survey_id=survey.id, _external=True),
    }


def results(session: Session, survey: Survey, page: ResultsPage, every_question: bool) -> dict:
    """The survey's figures as the public page shows them (every closed question if asked)."""
    return results_of(
        survey_summary(survey, page), published_figures(session, survey, page, every_question)
    )


def published_figures(
    session: Session, survey: Survey, page: ResultsPage, every_question: bool = False
) -> public.PublicFigures | None:
    """The figures the public page shows (kept until they change), or None once the answers
    were deleted under the retention schedule."""
    if removed_notice(survey):
        return None
    return figure_cache.public_figures(session, survey, page, every_question=every_question)


def results_of(summary: dict, figures: public.PublicFigures | None) -> dict:
    """A survey's summary and figures (None: figures removed) as the API's results."""
    if figures is None:
        return {"survey": summary, "figures_removed": True, "by_place": [], "questions": []}
    return {
        "survey": summary,
        "figures_removed": False,
        "respondents": shown(figures.respondents),
        "by_place": [{"name": row["name"], "count": shown(row["n"])} for row in figures.by_place],
        "questions": [
            {
                "key": question.key,
                "text": question.text,
                "answered": shown(question.answered),
                "multiple": question.multiple,
                "options": [
                    {"label": label, "count": shown(count), "share": share}
                    for label, count, share in question.options
                ],
            }
            for question in figures.questions
        ],
    }


def decision(record: DecisionRecord) -> dict:
    """A decision on the public register."""
    return {
        "id": record.id,
        "title": record.title,
        "summary": record.summary or "",
        "decided_on": record.decided_on,
        "body_kind": record.body_kind.value,
        "body_name": record.body_name,
        "status": record.status.value,
        "place": record.place.name if record.place is not None else None,
        "page_url": url_for("public_decisions.decision", decision_id=record.id, _external=True),
    }


def bulletin(entry: ArchiveEntry) -> dict:
    """A sent bulletin as the archive lists it."""
    return {
        "id": entry.id,
        "title": entry.title,
        "sent_at": entry.sent_at,
        "place_label": entry.place_label,
        "summary": entry.summary,
        "page_url": url_for("bulletin_archive.bulletin", bulletin_id=entry.id, _external=True),
    }
