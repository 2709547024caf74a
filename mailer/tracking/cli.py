"""`flask --app wsgi fold-tracking`: fold the hit spools into the database now."""

from __future__ import annotations

import click
from flask import current_app

from mailer.tracking.spool import fold_spool
from panel.database import utcnow
from panel.extensions import db


@click.command("fold-tracking")
def fold_tracking():
    """Fold open and click hits waiting in the spool (the scheduler does this every 10 s)."""
    report = fold_spool(db.session, current_app.config["TRACKING_SPOOL_DIR"], utcnow())
    click.echo(
        f"{report.hits} hits folded from {report.files} files"
        f" ({report.malformed} malformed lines skipped, {report.removed} finished files removed)."
    )
