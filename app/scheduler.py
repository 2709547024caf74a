"""The table of periodic jobs, run by one process: `flask --app wsgi scheduler`.

Never started by create_app: every web worker would run its own copy of each job.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from importlib import import_module

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from panel.database import utcnow
from panel.extensions import db
from panel.job_runs import record_job_run
from panel.log_format import current_run_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    """A job: an importable function ``f(session, now)`` and how often it runs."""

    id: str
    target: str
    seconds: int


JOBS: list[JobSpec] = [
    # Sign-in links, password resets and joins typed into forms (see panel.email_requests).
    JobSpec("handle-email-requests", "panel.email_requests:handle_email_requests", 5),
    JobSpec("deliver-queued-emails", "mailer.jobs:deliver_queued_emails_job", 10),
    # Partners' webhooks (issue 24): signed messages, retried with backoff for about 3 days.
    JobSpec("deliver-webhooks", "panel.webhooks.delivery:deliver_webhooks_job", 10),
    JobSpec("forget-old-webhooks", "panel.webhooks.delivery:forget_old_deliveries_job", 3600),
    JobSpec("purge-sent-email-bodies", "app.retention:purge_sent_email_bodies_job", 3600),
    JobSpec("dispatch-due-bulletins", "mailer.bulletins.jobs:dispatch_due_bulletins_job", 30),
    JobSpec("fold-tracking-hits", "mailer.tracking.jobs:fold_tracking_spool_job", 10),
    # A person's open or click is a sign of life for the inactivity cycle and segments.
    JobSpec("record-bulletin-readers", "mailer.tracking.readers:record_bulletin_readers_job", 900),
    JobSpec("survey-fieldwork", "surveys.fieldwork.jobs:survey_fieldwork_job", 30),
    JobSpec("event-reminders", "surveys.engagement_events.jobs:event_reminders_job", 300),
    JobSpec(
        "purge-unconfirmed-sign-ups", "panel.members.services.joining:purge_unconfirmed_job", 3600
    ),
    JobSpec("survey-retention", "surveys.fieldwork.jobs:survey_retention_job", 3600),
    JobSpec(
        "forget-event-needs", "surveys.engagement_events.retention:forget_event_needs_job", 3600
    ),
    JobSpec("purge-expired-login-sessions", "app.retention:purge_expired_sessions_job", 3600),
    JobSpec("forget-old-sign-in-failures", "app.retention:forget_old_failures_job", 3600),
    JobSpec("forget-old-api-calls", "app.retention:forget_old_api_calls_job", 3600),
    JobSpec("purge-merged-members", "panel.duplicates.merging:purge_merged_records", 3600),
    # The duplicate detector takes seconds at 100,000 members: pages read its stored result.
    JobSpec("scan-duplicates", "panel.duplicates.scans:scan_duplicates_job", 3600),
    JobSpec(
        "move-unanswered-to-inactive", "panel.activity.inactivity:move_unanswered_to_inactive", 3600
    ),
    JobSpec("expire-reconsent", "panel.reconsent.expiry:expire_reconsent_job", 3600),
]


def resolve(target: str):
    """The function a JobSpec target ``module:function`` names."""
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute)


def run_job(app: Flask, spec: JobSpec) -> None:
    """Run one job in its own app context and transaction, then record the run (the scheduler's
    heartbeat) in a second one; a failure is logged and recorded, never fatal, so the scheduler
    outlives a database restart and runs the job again on its next turn."""
    run_id = current_run_id.set(f"job-{spec.id}-{uuid.uuid4().hex[:12]}")
    try:
        _run_and_record(app, spec)
    finally:
        current_run_id.reset(run_id)


def _run_and_record(app: Flask, spec: JobSpec) -> None:
    with app.app_context():
        started = utcnow()
        error: Exception | None = None
        try:
            resolve(spec.target)(db.session, started)
            db.session.commit()
        except Exception as failure:
            db.session.rollback()
            error = failure
            logger.exception("job %s failed", spec.id)
        try:
            run = record_job_run(db.session, spec.id, spec.seconds, started, utcnow(), error)
            db.session.commit()
            if run.late_seconds:
                # Missed while the scheduler or the database was down: it ran once on return.
                logger.warning("job %s ran %s s late", spec.id, run.late_seconds)
        except Exception:
            db.session.rollback()
            logger.exception("could not record a run of job %s", spec.id)
        finally:
            db.session.remove()


def run_scheduler(app: Flask) -> None:
    """Block forever running JOBS."""
    # A job late by up to a minute (busy machine, slow previous run) still runs, once.
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    cap = app.config.get("SCHEDULER_MAX_INTERVAL_SECONDS") or 0
    for spec in JOBS:
        if cap:
            spec = replace(spec, seconds=min(spec.seconds, cap))  # noqa: PLW2901
        scheduler.add_job(
            run_job,
            "interval",
            seconds=spec.seconds,
            args=[app, spec],
            id=spec.id,
            next_run_time=utcnow(),
        )
    logger.info("scheduler starting with %s jobs", len(JOBS))
    scheduler.start()
