"""Prometheus metrics: request counts per process; the queue, sends, the scheduler's heartbeat
and the fold's lag read from the database, so every web server reports the same; served only
to loopback or with the configured bearer token, and never naming anyone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.scheduler import JobSpec, run_job
from mailer.models import EmailStatus, OutboundEmail
from mailer.tracking.spool import SUFFIX


def _figures(response) -> dict[str, float]:
    values = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values


def _email(session, key, status, now):
    session.add(
        OutboundEmail(
            idempotency_key=key,
            kind="test",
            to_email=f"{key}@example.org",
            subject="s",
            text_body="t",
            html_body="h",
            headers={},
            status=status,
            created_at=now,
        )
    )


def test_the_figures_come_from_the_database_and_name_no_one(app, client, session, now):
    for i in range(4):
        _email(session, f"q{i}", EmailStatus.QUEUED, now - timedelta(minutes=i))
    for i in range(2):
        _email(session, f"s{i}", EmailStatus.SENT, now)
    session.commit()
    run_job(app, JobSpec("counting", "tests.panel.test_health:counting_job", 5))
    response = client.get("/metrics")
    assert response.status_code == 200 and "@" not in response.get_data(as_text=True)
    figures = _figures(response)
    assert figures["panel_email_queue_depth"] == 4
    assert figures["panel_email_queue_oldest_age_seconds"] >= 180
    assert figures["panel_emails_sent_total{kind=transactional}"] == 2
    assert figures["panel_emails_sent_total{kind=bulletin}"] == 0
    assert 0 <= figures["panel_scheduler_heartbeat_age_seconds"] < 60


def test_requests_are_counted_by_endpoint_and_status(client):
    before = _figures(client.get("/metrics"))
    key = "panel_http_requests_total{endpoint=pages.privacy,method=GET,status=200}"
    client.get("/privacy")
    client.get("/privacy")
    after = _figures(client.get("/metrics"))
    assert after[key] - before.get(key, 0) == 2


def test_hits_waiting_on_the_spool_show_as_fold_lag(app, client, session):
    spool = Path(app.config["TRACKING_SPOOL_DIR"])
    spool.mkdir(parents=True, exist_ok=True)
    (spool / f"host-1-1{SUFFIX}").write_bytes(b"x" * 120)
    figures = _figures(client.get("/metrics"))
    assert figures["panel_tracking_unfolded_bytes"] == 120
    assert figures["panel_scheduler_heartbeat_age_seconds"] == -1  # never heard from


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "TRACKING_SPOOL_DIR": str(tmp_path / "spool")}


def test_strangers_do_not_see_the_metrics(app, client):
    away = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=away).status_code == 404
    app.config["METRICS_TOKEN"] = "scrape-secret"
    assert client.get("/metrics").status_code == 404  # loopback is not enough with a token
    wrong = {"Authorization": "Bearer guess"}
    assert client.get("/metrics", headers=wrong, environ_base=away).status_code == 404
    right = {"Authorization": "Bearer scrape-secret"}
    assert client.get("/metrics", headers=right, environ_base=away).status_code == 200
