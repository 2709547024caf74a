"""What /healthz reports: the database answers, its schema is at the newest migration, the
scheduler has been heard from lately, and how many emails wait to be sent. Figures only: no
names, addresses or message text, because monitoring systems keep what they are shown.

Two audiences: a load balancer asks whether *this web server* can serve (database and schema:
taking a web server out of rotation is no cure for a dead scheduler); monitoring asks whether
the *service* is working (all of it, scheduler included).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from mailer.transport import queue_depth
from panel.job_runs import JobRun


@cache
def migration_heads(migrations_dir: str) -> frozenset[str]:
    """The newest revisions the code knows (read once per process)."""
    return frozenset(ScriptDirectory(migrations_dir).get_heads())


def _schema_check(session: Session, migrations_dir: str) -> dict:
    try:
        applied = set(session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        session.rollback()
        return {"ok": False, "state": "not migrated"}
    heads = migration_heads(migrations_dir)
    return {"ok": applied == heads, "state": "at head" if applied == heads else "behind"}


def web_health(session: Session, migrations_dir: str) -> tuple[dict, bool]:
    """Whether this web server can serve: the database answers and its schema is current."""
    try:
        session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, False
    schema = _schema_check(session, migrations_dir)
    healthy = schema["ok"]
    report = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok",
        "migrations": schema["state"],
    }
    return report, healthy


def _seconds(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def service_health(
    session: Session, migrations_dir: str, now: datetime, scheduler_max_age: timedelta
) -> tuple[dict, bool]:
    """The whole service: this web server, the scheduler's heartbeat and the email queue."""
    report, healthy = web_health(session, migrations_dir)
    if report["database"] != "ok" or report["migrations"] == "not migrated":
        return report, False
    runs = list(session.scalars(sa.select(JobRun).order_by(JobRun.job_id)))
    heartbeat = max((run.last_finished_at for run in runs), default=None)
    if heartbeat is None:
        report["scheduler"] = {"state": "never heard from"}
        healthy = False
    else:
        age = now - heartbeat
        fresh = age <= scheduler_max_age
        healthy = healthy and fresh
        report["scheduler"] = {
            "state": "ok" if fresh else "silent",
            "heartbeat_age_seconds": _seconds(age),
            "jobs_failing": [run.job_id for run in runs if not run.last_succeeded],
            "jobs_late": {
                run.job_id: run.late_seconds for run in runs if run.late_seconds and fresh
            },
        }
    depth, oldest = queue_depth(session)
    report["email_queue"] = {
        "depth": depth,
        "oldest_age_seconds": _seconds(now - oldest) if oldest else 0,
    }
    report["status"] = "ok" if healthy else "unavailable"
    return report, healthy
