"""The app-wide command-line commands: `flask --app wsgi <command>`."""

from __future__ import annotations

from pathlib import Path

import click
import pyotp
import sqlalchemy as sa
from flask import Flask, current_app

from app.demo import create_demo_data
from app.demo_resident import DEMO_RESIDENT_EMAIL
from app.retention import retention
from app.scheduler import run_scheduler
from panel.auth.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from panel.auth.models import Role
from panel.auth.services import AuthError, StaffDetails, invite_staff, invite_token
from panel.backup import BackupError, make_backup, prune_backups, read_backup, restore_backup
from panel.database import utcnow
from panel.extensions import db
from panel.members.models import Member
from panel.members.services.links import magic_link_token
from panel.places.services import load_reference_places


def init_app(app: Flask) -> None:
    """Add the app-wide commands (each package's own are added by app.blueprints)."""
    for command in (
        demo_data,
        scheduler,
        load_places,
        create_staff,
        demo_code,
        demo_member_link,
        backup,
        restore,
        retention,
    ):
        app.cli.add_command(command)


def _refuse_in_production() -> None:
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("demo commands are disabled in production")


@click.command("demo-data")
def demo_data():
    """Create demo staff, members and content (safe to run again)."""
    _refuse_in_production()
    accounts = create_demo_data(db.session, utcnow())
    db.session.commit()
    click.echo(f"Demo data is ready. Demo staff accounts (password for all: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(
            f"  {account.role.value:<9} {account.email}  authenticator setup key: "
            f"{account.totp_secret}"
        )
    click.echo("Current sign-in code for a demo account: flask --app wsgi demo-code EMAIL")
    click.echo(
        f"Demo panel member: {DEMO_RESIDENT_EMAIL} (no password: ask for a sign-in link at "
        "/my-panel/sign-in and open it from the staff Outbox page, or run "
        "flask --app wsgi demo-member-link)"
    )


@click.command("demo-member-link")
def demo_member_link():
    """Print a sign-in link for the demo panel member (valid for an hour, works once)."""
    _refuse_in_production()
    member = db.session.scalar(sa.select(Member).where(Member.email == DEMO_RESIDENT_EMAIL))
    if member is None:
        raise click.ClickException("no demo member: run flask --app wsgi demo-data first")
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"{base}/my-panel/link/{magic_link_token(member)}")


@click.command("demo-code")
@click.argument("email")
def demo_code(email: str):
    """Print the current authenticator code of a demo account."""
    _refuse_in_production()
    for account in DEMO_ACCOUNTS:
        if account.email == email.strip().lower():
            click.echo(pyotp.TOTP(account.totp_secret).now())
            return
    raise click.ClickException("not a demo account")


@click.command("load-places")
def load_places():
    """Load places, districts, neighbourhoods and postcode districts that are missing."""
    load_reference_places(db.session)
    db.session.commit()
    click.echo("Places loaded.")


@click.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["comms", "place", "observer"]), default="comms")
def create_staff(email: str, name: str, role: str):
    """Create a staff account and print its invitation link (for the first administrator)."""
    if role == "place":
        raise click.ClickException("create place team accounts from the staff admin page")
    try:
        user = invite_staff(db.session, None, email, StaffDetails(name, Role(role), []), utcnow())
    except AuthError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{current_app.config['PUBLIC_BASE_URL']}/staff/invitation/{invite_token(user)}")


@click.command("scheduler")
def scheduler():
    """Run the periodic jobs (one process only; never inside a web worker)."""
    run_scheduler(current_app._get_current_object())


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), help="Keep only this many newest backups.")
def backup(directory: Path, keep: int | None):
    """Back up the database into DIRECTORY, with a manifest (SHA-256 and row counts)."""
    db.session.remove()
    try:
        made = make_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], directory, utcnow())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(made.manifest["tables"].values())
    click.echo(f"Backed up {rows:,} rows in {len(made.manifest['tables'])} tables to {made.path}")
    if keep:
        for old in prune_backups(directory, keep):
            click.echo(f"Removed the older backup {old.name}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Write over a database that already has tables.")
def restore(file: Path, replace: bool):
    """Restore FILE (made by `flask backup`) into the configured database, which should be
    empty; checks the file's SHA-256 before and the row counts after."""
    db.session.remove()
    db.engine.dispose()
    try:
        counts = restore_backup(
            read_backup(file), current_app.config["SQLALCHEMY_DATABASE_URI"], replace=replace
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {sum(counts.values()):,} rows in {len(counts)} tables; counts match")
