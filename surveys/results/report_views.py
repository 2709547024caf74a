"""The engagement report (a page, and a PDF) and the evidence pack download."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from surveys.models import Survey
from surveys.results import evidence
from surveys.results import report as engagement_report

blueprint = Blueprint("reports", __name__, url_prefix="/staff/surveys")


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


@blueprint.get("/<int:survey_id>/results/report")
@staff_required(*ALL_STAFF)
def report(survey_id: int):
    """The engagement report as a page."""
    survey = _survey(survey_id)
    data = engagement_report.report_data(db.session, survey, utcnow())
    return render_template("surveys/results/report.html", survey=survey, report=data)


@blueprint.get("/<int:survey_id>/results/report.pdf")
@staff_required(*ALL_STAFF)
def report_pdf(survey_id: int):
    """The engagement report as a PDF download."""
    survey = _survey(survey_id)
    pdf = engagement_report.report_pdf(engagement_report.report_data(db.session, survey, utcnow()))
    return attachment(pdf, f"engagement-report-{survey.id}.pdf")


@blueprint.get("/<int:survey_id>/results/evidence.zip")
@staff_required(*MEMBER_DATA_ROLES)
def evidence_pack(survey_id: int):
    """The evidence pack as a zip download (audited)."""
    survey = _survey(survey_id)
    now = utcnow()
    # The pack is made before it is recorded: a pack that could not be made is not audited.
    pack = evidence.evidence_zip(db.session, survey, now)
    record_audit(
        db.session,
        current_user,
        "results.evidence_pack",
        "survey",
        [survey.id],
        "snapshot, findings, approvals, dates, anonymised responses, report",
        now=now,
    )
    db.session.commit()
    return attachment(pack, f"evidence-pack-survey-{survey.id}.zip")
