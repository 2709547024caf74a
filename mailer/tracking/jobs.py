"""The scheduler's adapter: fold open and click hits (the spool, and the Redis stream when there
is one) into the database."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from mailer.tracking.hit_store import fold_stream, redis_client
from mailer.tracking.spool import fold_spool


def fold_tracking_spool_job(session: Session, now: datetime) -> int:
    """Fold the hits web servers left into the database; returns the hits stored. The spool is
    folded even with Redis, so hits written before Redis was configured are not left behind."""
    app = current_app._get_current_object()
    stored = fold_spool(session, app.config["TRACKING_SPOOL_DIR"], now).hits
    if app.config.get("REDIS_URL"):
        stored += fold_stream(session, redis_client(app), app.config["TRACKING_REDIS_KEY"]).hits
    return stored
