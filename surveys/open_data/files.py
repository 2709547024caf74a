"""A dataset's rows as the files people download: CSV (safe to open in a spreadsheet, through
panel.csv_export) and JSON (the licence, the columns and the rows), the same cells in both."""

from __future__ import annotations

from panel.csv_export import csv_text
from surveys.open_data.datasets import ATTRIBUTION, LICENCE_NAME, LICENCE_URL, Dataset


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_file(dataset: Dataset, rows: list[dict]) -> str:
    """The CSV text: a header of the column names, then a line per row; a hidden count is an
    empty cell, and any cell a spreadsheet would run as a formula starts with an apostrophe."""
    names = dataset.names
    return csv_text(names, ([_cell(row[name]) for name in names] for row in rows))


def json_document(dataset: Dataset, rows: list[dict], dictionary_url: str) -> dict:
    """The JSON document: what the data is, its licence, its columns and its rows."""
    return {
        "dataset": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL, "attribution": ATTRIBUTION},
        "data_dictionary": dictionary_url,
        "columns": [
            {"name": c.name, "type": c.type, "meaning": c.meaning, "small_numbers": c.small_numbers}
            for c in dataset.columns
        ],
        "rows": [{name: row[name] for name in dataset.names} for row in rows],
    }
