"""The `flask --app wsgi survey-check FILE` command around run_cli (the checker stays Flask-free
apart from this adapter, which only Click needs)."""

from __future__ import annotations

import sys

import click

from .cli import run_cli


@click.command("survey-check")
@click.argument("path", type=click.Path(dir_okay=False))
def survey_check(path: str):
    """Check a survey export (JSON) or a text file of questions, one per line; print one JSON
    object per finding. Exit status 0 when the check ran, 2 when the file could not be read."""
    sys.exit(run_cli(path, sys.stdout))
