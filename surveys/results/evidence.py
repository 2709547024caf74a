"""The evidence pack: everything needed if the engagement is challenged, in one zip with a
SHA-256 manifest of every file. Nothing in it names a respondent."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.models import AuditEvent
from panel.json_text import dumps
from surveys.models import ReviewComment, Survey, SurveySnapshot
from surveys.results import export, publishing, report
from surveys.results.figures import ResultFilters, removed_notice
from surveys.services import checking

MANIFEST = "MANIFEST.sha256"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _json(data) -> bytes:
    return dumps(data).encode("utf-8")


def _snapshots(session: Session, survey: Survey) -> list[SurveySnapshot]:
    return list(
        session.scalars(
            sa.select(SurveySnapshot)
            .where(SurveySnapshot.survey_id == survey.id)
            .order_by(SurveySnapshot.version)
        )
    )


def evidence_files(session: Session, survey: Survey, now: datetime) -> dict[str, bytes]:
    """The evidence pack's files by name: snapshots, results, decisions and a manifest."""
    files: dict[str, bytes] = {}
    hashes = []
    for snapshot in _snapshots(session, survey):
        files[f"survey-snapshot-v{snapshot.version}.json"] = snapshot.document.encode("utf-8")
        actual = hashlib.sha256(snapshot.document.encode("utf-8")).hexdigest()
        hashes.append(
            {
                "version": snapshot.version,
                "note": snapshot.note,
                "at": _iso(snapshot.at),
                "sha256_recorded": snapshot.sha256,
                "sha256_now": actual,
                "matches": actual == snapshot.sha256,
            }
        )
    files["survey-snapshot-hashes.json"] = _json(hashes)
    checked = checking.check(session, survey)
    files["guidance-findings-and-overrides.json"] = _json(
        [
            {
                **item.finding.as_dict(),
                "override": None
                if item.override is None
                else {
                    "reason": item.override.reason,
                    "at": _iso(item.override.at),
                    "by": item.override.by.name if item.override.by else None,
                },
            }
            for item in checked.all
        ]
    )
    comments = session.scalars(
        sa.select(ReviewComment)
        .where(ReviewComment.survey_id == survey.id)
        .order_by(ReviewComment.id)
    )
    events = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "survey", AuditEvent.object_ids == str(survey.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    files["approvals-and-review.json"] = _json(
        {
            "author": survey.author.name if survey.author else None,
            "approved_by": survey.approved_by.name if survey.approved_by else None,
            "approved_at": _iso(survey.approved_at),
            "review_comments": [
                {
                    "question": c.question_key,
                    "comment": c.body,
                    "by": c.author.name if c.author else None,
                    "at": _iso(c.created_at),
                }
                for c in comments
            ],
            "audit_trail": [
                {"at": _iso(e.at), "action": e.action, "detail": e.detail} for e in events
            ],
        }
    )
    page = publishing.results_page(session, survey)
    files["dates.json"] = _json(
        {
            "planned": survey.created_at,
            "opens": survey.opens_at,
            "closes": survey.closes_at,
            "approved": survey.approved_at,
            "published": survey.published_at,
            "closed": survey.closed_at,
            "results_published": page.published_at if page else None,
            "answers_deleted_under_retention_schedule": survey.responses_removed_at,
            "decisions": [
                {
                    "decided_on": d.decided_on,
                    "outcome": d.outcome.value,
                    "you_said": d.you_said,
                    "action": d.action,
                    "participants_told": d.announced_at,
                }
                for d in publishing.decisions(session, survey)
            ],
            "pack_made": now,
        }
    )
    removed = removed_notice(survey)
    if removed:
        # The answers were deleted under the retention schedule: the pack says so in place of
        # the responses, and keeps what was planned, approved, published and decided.
        files["responses-deleted.txt"] = (removed + "\n").encode("utf-8")
    else:
        responses = zipfile.ZipFile(io.BytesIO(export.export_zip(session, survey, ResultFilters())))
        files["responses-anonymised.csv"] = responses.read("responses.csv")
        files["codebook.csv"] = responses.read("codebook.csv")
    files["engagement-report.pdf"] = report.report_pdf(report.report_data(session, survey, now))
    return files


def manifest(files: dict[str, bytes]) -> bytes:
    """The sha256 manifest of the files (sha256sum format)."""
    lines = [f"{hashlib.sha256(body).hexdigest()}  {name}" for name, body in sorted(files.items())]
    return ("\n".join(lines) + "\n").encode("ascii")


def evidence_zip(session: Session, survey: Survey, now: datetime) -> bytes:
    """The evidence pack as a zip."""
    files = evidence_files(session, survey, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(files.items()):
            archive.writestr(name, body)
        archive.writestr(MANIFEST, manifest(files))
    return buffer.getvalue()
