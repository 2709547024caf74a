"""`flask survey-check FILE`: check a survey export or a list of questions; print JSON lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from .checks import check_survey
from .questions import check_text_lines
from .spec import Finding, SurveyFormatError, survey_from_json

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _write(out: TextIO, line: int | None, rule: str, severity: str, message: str) -> None:
    record = {"line": line, "rule": rule, "severity": severity, "message": message}
    out.write(json.dumps(record) + "\n")


def _bad_input(out: TextIO, message: str) -> int:
    _write(out, None, "input", "error", message)
    return EXIT_BAD_INPUT


def run_cli(path: str, out: TextIO) -> int:
    """Write one JSON object per finding to `out`.

    Returns 0 when the check ran (findings or not) and 2 when the file could not be read or
    is not a survey export. For an export, "line" is the question's number in survey order
    (null for findings about the whole survey); for a text file it is the line number."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return _bad_input(out, f"There is no file called {path}.")
    except UnicodeDecodeError:
        return _bad_input(out, f"{path} is not UTF-8 text. Save it as UTF-8 and try again.")
    except OSError as exc:
        return _bad_input(out, f"Cannot read {path}: {exc.strerror or exc}.")

    stripped = raw.strip()
    if not (stripped.startswith("{") or path.lower().endswith(".json")):
        for finding in check_text_lines(raw):
            _write(out, finding.line, finding.rule, finding.severity, finding.message)
        return EXIT_OK

    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return _bad_input(
            out, f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        )
    try:
        spec = survey_from_json(data)
    except SurveyFormatError as exc:
        return _bad_input(out, f"{path} is not a survey export: {exc.reason}.")

    numbers = {}
    for number, question in enumerate(spec.questions(), start=1):
        numbers.setdefault(question.key, number)
    findings: list[Finding] = check_survey(spec)
    for finding in findings:
        line = numbers.get(finding.question_key) if finding.question_key else None
        _write(out, line, finding.rule, finding.severity, finding.message)
    return EXIT_OK
