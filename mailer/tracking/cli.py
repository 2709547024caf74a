"""`flask --app wsgi fold-tracking`: fold the hit spool (and the Redis stream) into the database
now."""

from __future__ import annotations

import click
from flask import current_app

from mailer.tracking.hit_store import fold_stream, redis_client
from mailer.tracking.readers import RECENT_DAYS, record_bulletin_readers
from mailer.tracking.spool import fold_spool
from panel.database import utcnow
from panel.extensions import db


@click.command("fold-tracking")
def fold_tracking():
    """Fold open and click hits waiting in the spool, and in Redis with REDIS_URL (the scheduler
    does this every 10 s)."""
    app = current_app._get_current_object()
    report = fold_spool(db.session, app.config["TRACKING_SPOOL_DIR"], utcnow())
    click.echo(
        f"{report.hits} hits folded from {report.files} files"
        f" ({report.malformed} malformed lines skipped, {report.removed} finished files removed)."
    )
    if app.config.get("REDIS_URL"):
        streamed = fold_stream(db.session, redis_client(app), app.config["TRACKING_REDIS_KEY"])
        click.echo(
            f"{streamed.hits} hits folded from Redis ({streamed.malformed} malformed skipped)."
        )


@click.command("record-bulletin-readers")
@click.option("--days", default=RECENT_DAYS, show_default=True, type=click.IntRange(1, 36500))
def record_readers(days: int):
    """Record "opened a bulletin" contacts for people who read a bulletin in the last DAYS (the
    scheduler does the last week every 15 minutes; run once with more days after upgrading)."""
    added = record_bulletin_readers(db.session, utcnow(), days=days)
    db.session.commit()
    click.echo(f"{added} bulletin readers recorded.")
