"""Prometheus metrics at /metrics: requests and their duration (counted in each web process),
and, read from the database (and Redis, with REDIS_URL) at each scrape so that every web server
reports the same figures, the email queue, the send throughput, the scheduler's heartbeat and the
tracking fold's lag.

Figures only, no labels that name a person. The page is for the monitoring system: with
``METRICS_TOKEN`` set it needs ``Authorization: Bearer <token>``; without, it answers only on
the loopback address. Behind gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR``
(prometheus_client's multiprocess mode) so the request counts of all workers are added up.
"""

from __future__ import annotations

import hmac
import os
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy.orm import Session

from mailer.bulletins.models import BatchState, BulletinBatch
from mailer.tracking.hit_store import redis_client, unfolded_hits
from mailer.tracking.models import SpoolFile
from mailer.tracking.spool import SUFFIX
from mailer.transport import queue_depth, sent_count
from panel.database import utcnow
from panel.extensions import db
from panel.job_runs import JobRun
from panel.limits import client_address

blueprint = Blueprint("metrics", __name__)

REQUESTS = Counter("panel_http_requests", "HTTP requests served", ["method", "endpoint", "status"])
DURATION = Histogram(
    "panel_http_request_duration_seconds", "Time to answer a request", ["endpoint"]
)
FOLD_JOB = "fold-tracking-hits"


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


def unfolded_bytes(session: Session, directory: Path) -> int:
    """Bytes of open and click hits on this server's spool not yet in the database."""
    if not directory.is_dir():
        return 0
    files = {path.name: path.stat().st_size for path in directory.glob(f"*{SUFFIX}")}
    if not files:
        return 0
    folded = dict(
        session.execute(
            sa.select(SpoolFile.name, SpoolFile.folded_bytes).where(SpoolFile.name.in_(files))
        ).all()
    )
    return sum(max(0, size - folded.get(name, 0)) for name, size in files.items())


class DatabaseFigures:
    """A collector that reads the shared figures from the database when scraped."""

    def __init__(self, session: Session, spool_dir: Path, now: datetime, stream=None):
        self.session, self.spool_dir, self.now = session, spool_dir, now
        #: (Redis client, stream key) when hits go to Redis.
        self.stream = stream

    def collect(self):
        """Queue depth and age, emails sent, scheduler heartbeat age and fold lag."""
        session, now = self.session, self.now
        depth, oldest = queue_depth(session)
        yield GaugeMetricFamily("panel_email_queue_depth", "Emails waiting to be sent", depth)
        yield GaugeMetricFamily(
            "panel_email_queue_oldest_age_seconds",
            "Age of the oldest email waiting to be sent",
            _seconds_since(oldest, now),
        )
        bulletin_sent = session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(BulletinBatch.size), 0)).where(
                BulletinBatch.state == BatchState.ACCEPTED
            )
        )
        sent = CounterMetricFamily(
            "panel_emails_sent",
            "Emails the provider accepted (rate() gives throughput)",
            labels=["kind"],
        )
        sent.add_metric(["transactional"], sent_count(session))
        sent.add_metric(["bulletin"], bulletin_sent)
        yield sent
        runs = {run.job_id: run for run in session.scalars(sa.select(JobRun))}
        heartbeat = max((run.last_finished_at for run in runs.values()), default=None)
        yield GaugeMetricFamily(
            "panel_scheduler_heartbeat_age_seconds",
            "Seconds since a scheduled job last finished (-1: never)",
            _seconds_since(heartbeat, now) if heartbeat else -1,
        )
        pending = unfolded_bytes(session, self.spool_dir)
        fold = runs.get(FOLD_JOB)
        yield GaugeMetricFamily(
            "panel_tracking_unfolded_bytes", "Open and click hits not yet counted", pending
        )
        if self.stream is not None:
            waiting = unfolded_hits(*self.stream)
            pending += max(waiting, 0)
            yield GaugeMetricFamily(
                "panel_tracking_unfolded_hits",
                "Hits in the Redis stream not yet counted (-1: Redis unreachable)",
                waiting,
            )
        yield GaugeMetricFamily(
            "panel_tracking_fold_lag_seconds",
            "Seconds since hits were last folded, while some wait (0 when none wait)",
            _seconds_since(fold.last_finished_at if fold else None, now) if pending else 0,
        )


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return client_address() in {"127.0.0.1", "::1"}


@blueprint.get("/metrics")
def metrics():
    """The metrics in Prometheus's text format."""
    if not _allowed():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        counted = generate_latest(processes)
    else:
        counted = generate_latest(REGISTRY)
    shared = CollectorRegistry(auto_describe=False)
    spool_dir = Path(current_app.config["TRACKING_SPOOL_DIR"])
    config = current_app.config
    stream = None
    if config.get("REDIS_URL"):
        stream = (redis_client(current_app), config["TRACKING_REDIS_KEY"])
    shared.register(DatabaseFigures(db.session, spool_dir, utcnow(), stream))
    return Response(counted + generate_latest(shared), mimetype=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _count(response):
    endpoint = request.endpoint or "unknown"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        DURATION.labels(endpoint).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    """Count every request and serve /metrics."""
    app.before_request(_start_timer)
    app.after_request(_count)
    app.register_blueprint(blueprint)
