"""`flask --app wsgi retention [--dry-run]`: apply the whole retention schedule now, or say what
it would remove (the same functions the scheduled jobs run, in a transaction rolled back)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from sqlalchemy.orm import Session

from panel.database import utcnow
from panel.extensions import db
from panel.members.services.joining import apply_sign_up_retention
from surveys.fieldwork.retention import apply_survey_retention


def apply_retention(session: Session, now: datetime, config) -> dict[str, int]:
    """Every retention rule, audited as the scheduled jobs audit them; the counts by kind."""
    return {**apply_sign_up_retention(session, now), **apply_survey_retention(session, now, config)}


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
