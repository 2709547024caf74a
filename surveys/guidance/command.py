"""The `flask --app wsgi survey-check FILE` command around run_cli, and `survey-corpus-add FILE`
(the checker stays Flask-free apart from these adapters, which only Click needs)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from surveys.services.guidance_corpus import add_examples

from .cli import run_cli
from .corpus import CORPUS_DIR, LABELS, read_examples


@click.command("survey-check")
@click.argument("path", type=click.Path(dir_okay=False))
def survey_check(path: str):
    """Check a survey export (JSON) or a text file of questions, one per line; print one JSON
    object per finding. Exit status 0 when the check ran, 2 when the file could not be read."""
    sys.exit(run_cli(path, sys.stdout))


@click.command("survey-corpus-add")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--into",
    type=click.Path(file_okay=False, exists=True),
    default=str(CORPUS_DIR),
    help="The corpus folder (holding train.csv and test.csv).",
)
def survey_corpus_add(path: str, into: str):
    """Add the questions of a CSV file (label, type, text, as the findings-marked-as-wrong
    download gives) to the checker's corpus; each goes to the part its text's hash chooses.
    Retrain the model afterwards with tools/train_guidance_model.py."""
    try:
        examples = read_examples(Path(path))
    except (KeyError, UnicodeDecodeError, csv.Error) as error:
        click.echo(f"{path} is not a corpus CSV file (label, type, text): {error}", err=True)
        sys.exit(2)
    bad = sorted({e.label for e in examples} - set(LABELS))
    if bad:
        click.echo(f"Unknown labels {', '.join(bad)}; use one of {', '.join(LABELS)}.", err=True)
        sys.exit(2)
    added = add_examples(examples, Path(into))
    click.echo(f"Added {added} of {len(examples)} questions (the rest were already there).")
