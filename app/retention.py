"""`flask --app wsgi retention [--dry-run]`: apply the whole retention schedule now, or say what
it would remove (the same functions the scheduled jobs run, in a transaction rolled back)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from sqlalchemy.orm import Session

from mailer.jobs import SENT_BODY_RETENTION, purge_sent_email_bodies
from panel.api_keys.services import forget_old_api_calls
from panel.audit.retention import Rule, record_retention_run
from panel.auth.throttle import FORGET_AFTER, forget_old_failures
from panel.database import utcnow
from panel.duplicates.merging import UNDO_DAYS, purge_merged_records
from panel.extensions import db
from panel.login_sessions import purge_expired_sessions
from panel.members.services.joining import apply_sign_up_retention
from surveys.engagement_events.retention import NEEDS_RETENTION, forget_event_needs
from surveys.fieldwork.retention import apply_survey_retention


def housekeeping_rules(config) -> list[Rule]:
    """The schedule's lines for the housekeeping purges below (their periods live in the
    packages that own the records, which the audit package sits below)."""
    return [
        Rule(
            "The copy of each sent email (its text holds the member's personal links)",
            f"{SENT_BODY_RETENTION.days} days after sending",
            "fixed",
            "Kept a short while to answer questions about delivery; the send record stays.",
        ),
        Rule(
            "Sign-in sessions",
            f"When they end, {config['SESSION_MAX_HOURS']} hours after signing in",
            "SESSION_MAX_HOURS",
            "An ended session no longer works; its row is only clutter.",
        ),
        Rule(
            "Counts of failed sign-ins (per email address and network address)",
            f"{FORGET_AFTER.days} day after the last failure, once no wait is left",
            "fixed",
            "Kept only to slow down password guessing.",
        ),
        Rule(
            "A member record merged into another record of the same person",
            f"{UNDO_DAYS} days after the merge (the time to undo it)",
            "fixed",
            "Kept so a wrong merge can be undone; the duplicates page shows how many are due.",
        ),
        Rule(
            "Access and dietary needs given when replying to an event",
            f"{NEEDS_RETENTION.days} days after the event",
            "fixed",
            "Needed only to make the event accessible; the reply page promises it.",
        ),
        Rule(
            "The audit log's record of each partner API call (key, path, answer)",
            f"{config['RETENTION_API_CALL_DAYS']} days after the call",
            "RETENTION_API_CALL_DAYS",
            "Kept to answer questions about a key's use; every call leaves one, so they go "
            "sooner than the rest of the audit log.",
        ),
    ]


def purge_sent_email_bodies_job(session: Session, now: datetime) -> int:
    """The scheduler's job: blank old sent emails' copies, audited with the count."""
    blanked = purge_sent_email_bodies(session, now)
    record_retention_run(session, "email_copies", {"sent email copies blanked": blanked}, now)
    return blanked


def purge_expired_sessions_job(session: Session, now: datetime) -> int:
    """The scheduler's job: delete ended sign-in sessions, audited with the count."""
    ended = purge_expired_sessions(session, now)
    record_retention_run(session, "login_sessions", {"ended sign-in sessions": ended}, now)
    return ended


def forget_old_failures_job(session: Session, now: datetime) -> int:
    """The scheduler's job: forget old failed sign-ins, audited with the count."""
    forgotten = forget_old_failures(session, now)
    record_retention_run(
        session, "sign_in_failures", {"failed sign-in counts forgotten": forgotten}, now
    )
    return forgotten


def forget_old_api_calls_job(session: Session, now: datetime) -> int:
    """The scheduler's job: delete old API-call audit rows, audited with the count."""
    days = current_app.config["RETENTION_API_CALL_DAYS"]
    forgotten = forget_old_api_calls(session, now, days)
    record_retention_run(session, "api_calls", {"API call audit rows deleted": forgotten}, now)
    return forgotten


def apply_housekeeping_retention(session: Session, now: datetime) -> dict[str, int]:
    """The housekeeping purges, each audited as its scheduled job audits it."""
    return {
        "API call audit rows deleted": forget_old_api_calls_job(session, now),
        "sent email copies blanked": purge_sent_email_bodies_job(session, now),
        "ended sign-in sessions": purge_expired_sessions_job(session, now),
        "failed sign-in counts forgotten": forget_old_failures_job(session, now),
        "merged member records erased": purge_merged_records(session, now),
    }


def apply_retention(session: Session, now: datetime, config) -> dict[str, int]:
    """Every retention rule, audited as the scheduled jobs audit them; the counts by kind."""
    return {
        **apply_sign_up_retention(session, now),
        **apply_survey_retention(session, now, config),
        **apply_housekeeping_retention(session, now),
        "event access and dietary needs": forget_event_needs(session, now),
    }


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Print what would be removed now; remove nothing.")
def retention(dry_run: bool):
    """Apply the retention schedule now (the scheduler does this every hour)."""
    counts = apply_retention(db.session, utcnow(), current_app.config)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo("Would remove now:" if dry_run else "Removed:")
    for kind, n in counts.items():
        click.echo(f"  {kind}: {n}")
