"""The audit log, for the comms team."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from app.retention import housekeeping_rules
from panel.audit import retention as retention_schedule
from panel.audit.services import distinct_actions, list_audit_events
from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.extensions import db
from panel.forms_common import requested_page
from panel.job_runs import job_runs

blueprint = Blueprint("audit", __name__, url_prefix="/staff/audit")
PER_PAGE = 50
#: the scheduled jobs that apply the retention schedule (app.scheduler.JOBS).
RETENTION_JOBS = (
    "purge-unconfirmed-sign-ups",
    "survey-retention",
    "purge-sent-email-bodies",
    "purge-expired-login-sessions",
    "forget-old-sign-in-failures",
)


@blueprint.get("/")
@staff_required(Role.COMMS)
def index():
    """The audit log, a page at a time, optionally filtered by action."""
    page = requested_page()
    action = request.args.get("action", "")[:60]
    events, total = list_audit_events(db.session, action=action, page=page, per_page=PER_PAGE)
    return render_template(
        "panel/audit/index.html",
        events=events,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        action=action,
        actions=distinct_actions(db.session),
    )


@blueprint.get("/retention")
@staff_required(Role.COMMS)
def retention():
    """The retention schedule, when its jobs last ran and what each run removed."""
    return render_template(
        "panel/audit/retention.html",
        rules=retention_schedule.schedule(current_app.config)
        + housekeeping_rules(current_app.config),
        jobs=[run for run in job_runs(db.session) if run.job_id in RETENTION_JOBS],
        runs=retention_schedule.last_runs(db.session),
    )
