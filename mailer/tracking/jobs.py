"""The scheduler's adapter: fold the web processes' hit spools into the database."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from mailer.tracking.spool import fold_spool


def fold_tracking_spool_job(session: Session, now: datetime) -> int:
    """Fold the tracking spool files into the database; returns the hits stored."""
    return fold_spool(session, current_app.config["TRACKING_SPOOL_DIR"], now).hits
