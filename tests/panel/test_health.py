"""Health you can see: /healthz/web for the load balancer (database and schema), /healthz for
monitoring (plus the scheduler's heartbeat and the email queue), figures only; and the
scheduler's record of each job's runs, failures and late runs."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from app.scheduler import JobSpec, run_job
from mailer.models import OutboundEmail
from panel.database import utcnow
from panel.extensions import db
from panel.job_runs import LATE_AFTER, JobRun, record_job_run

CALLS: list[str] = []


def counting_job(session, now):
    """A job that only counts its calls."""
    CALLS.append("ran")


def failing_job(session, now):
    """A job whose error message carries an address, as a real one might."""
    raise RuntimeError("could not send to someone@example.org")


COUNTING = JobSpec("counting", "tests.panel.test_health:counting_job", 5)
FAILING = JobSpec("failing", "tests.panel.test_health:failing_job", 5)


def _queue(session, now, n):
    for i in range(n):
        session.add(
            OutboundEmail(
                idempotency_key=f"health:{i}",
                kind="test",
                to_email=f"person{i}@example.org",
                subject="s",
                text_body="t",
                html_body="h",
                headers={},
                created_at=now - timedelta(minutes=i),
            )
        )
    session.commit()


def test_the_load_balancer_check_needs_only_the_database_and_schema(client):
    response = client.get("/healthz/web")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "at head"}


def test_a_service_whose_scheduler_was_never_heard_from_is_unhealthy(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["scheduler"] == {"state": "never heard from"}


def test_after_a_job_runs_the_service_is_healthy_with_its_queue_depth(app, client, session, now):
    _queue(session, now, 3)
    run_job(app, COUNTING)
    response = client.get("/healthz")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ok" and body["scheduler"]["state"] == "ok"
    assert body["scheduler"]["heartbeat_age_seconds"] < 60
    assert body["email_queue"]["depth"] == 3
    assert "@" not in response.get_data(as_text=True)  # figures, never addresses


def test_a_silent_scheduler_makes_the_service_unhealthy(app, client, session):
    now = utcnow()
    record_job_run(session, "counting", 5, now - timedelta(hours=1), now - timedelta(hours=1), None)
    session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["scheduler"]["state"] == "silent"
    assert response.json["scheduler"]["heartbeat_age_seconds"] >= 3600
    assert client.get("/healthz/web").status_code == 200  # the web server itself can serve


def test_a_schema_behind_the_code_is_unhealthy_on_both_checks(app, client, session):
    run_job(app, COUNTING)
    session.execute(sa.text("UPDATE alembic_version SET version_num = '0001_foundation'"))
    session.commit()
    for path in ("/healthz", "/healthz/web"):
        response = client.get(path)
        assert response.status_code == 503 and response.json["migrations"] == "behind"


def test_a_failing_job_is_recorded_by_its_error_class_only_and_the_scheduler_goes_on(
    app, client, session, caplog
):
    with caplog.at_level(logging.ERROR):
        run_job(app, FAILING)
        run_job(app, FAILING)
    run = session.get(JobRun, "failing")
    assert (run.runs, run.failures, run.last_succeeded) == (2, 2, False)
    assert run.last_error == "RuntimeError"
    assert "failing" in client.get("/healthz").json["scheduler"]["jobs_failing"]


def test_a_run_missed_while_the_scheduler_was_down_runs_once_and_says_it_was_late(session, now):
    record_job_run(session, "counting", 5, now, now, None)
    back = now + timedelta(hours=2)
    run = record_job_run(session, "counting", 5, back, back, None)
    assert run.late_seconds == int((timedelta(hours=2) - timedelta(seconds=5)).total_seconds())
    assert (run.last_late_at, run.runs) == (back, 2)
    on_time = back + timedelta(seconds=5) + LATE_AFTER
    run = record_job_run(session, "counting", 5, on_time, on_time, None)
    assert run.late_seconds == 0 and run.last_late_at == back  # the late run stays on record


def test_the_scheduler_runs_jobs_again_after_the_database_dropped_its_connections(app, session):
    CALLS.clear()
    run_job(app, COUNTING)
    if db.engine.dialect.name == "postgresql":
        # What a database restart does to the pool: every connection of ours is cut.
        with db.engine.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    else:
        db.engine.dispose()
    run_job(app, COUNTING)
    assert CALLS == ["ran", "ran"]
    assert db.session.get(JobRun, "counting").runs == 2
