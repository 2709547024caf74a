"""Quality bar 19 over the whole suite: every log line any test makes is written, as the app
writes it, to test-artifacts/logs/, and at the end of the run the lines are scanned for email
addresses, the test passwords, tokens and equality answers. Any hit fails the run and is listed.

The scan reads what the JSON handler wrote, after its scrubbing, so it proves the scrubbing and
catches what it cannot know about (a password logged bare, an equality answer by its label).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from panel.log_format import JsonFormatter
from panel.members.reference import EQUALITY_QUESTIONS, PREFER_NOT_TO_SAY
from tests.factories import STAFF_PASSWORD

LOGS = Path(__file__).resolve().parent.parent / "test-artifacts" / "logs"
_KEY = "panel_log_scan_failures"

#: anything then @ then a dotted domain: wider than the scrubber's pattern on purpose.
EMAIL = re.compile(r"[^\s\"<>()\[\]]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.IGNORECASE)

#: signed tokens and random tokens as the app makes them (a long mixed run of URL-safe
#: characters); the request id and job ids are not messages and are not scanned.
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}")


def _equality_labels() -> list[str]:
    """Answers to the equality questions that would say something about a person if logged
    (short or generic labels such as "Yes" or "Other" would match ordinary words)."""
    labels = set()
    for question in EQUALITY_QUESTIONS:
        for _value, label in question.options:
            if (_value, label) != PREFER_NOT_TO_SAY and len(label) >= 8:
                labels.add(label)
    return sorted(labels)


def _scan_line(line: str, labels: list[str]) -> str | None:
    """What in one log line is personal, or None."""
    if EMAIL.search(line):
        return "an email address"
    if STAFF_PASSWORD in line:
        return "a test password"
    try:
        message = json.loads(line)
    except ValueError:
        return "a line that is not JSON"
    text = f"{message.get('message', '')} {message.get('exception', '')}"
    if _TOKEN.search(text):
        return "a token"
    for label in labels:
        if label in text:
            return f"an equality answer ({label})"
    return None


def scan_logs(directory: Path) -> list[str]:
    """Every personal thing found in the logs under ``directory``, as file:line: what."""
    labels = _equality_labels()
    found = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            what = _scan_line(line, labels)
            if what:
                found.append(f"{path.name}:{number}: {what}")
    return found


def configure(config) -> None:
    """Write every log record of this process to a JSON lines file, as the app formats it. The
    run's folder is made by the controller and handed to each xdist worker, so that two runs at
    once (SQLite and PostgreSQL, two checkouts) never share or wipe each other's files."""
    if hasattr(config, "workerinput"):
        directory = Path(config.workerinput["panel_log_dir"])
        worker = config.workerinput["workerid"]
    else:
        database = "postgresql" if os.environ.get("TEST_DATABASE_URL", "") else "sqlite"
        directory = LOGS / f"{database}-{os.getpid()}-{int(time.time())}"
        worker = "main"
    directory.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(directory / f"{worker}.jsonl", encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    config._panel_log_dir = directory


def configure_node(node) -> None:
    """Tell an xdist worker which folder this run writes to."""
    node.workerinput["panel_log_dir"] = str(node.config._panel_log_dir)


def finish(session) -> None:
    """At the end of the whole run (not of each worker), scan and fail on any hit."""
    if hasattr(session.config, "workerinput"):
        return
    for handler in logging.getLogger().handlers:
        handler.flush()
    directory = session.config._panel_log_dir
    found = scan_logs(directory)
    if found:
        session.config._panel_log_hits = found
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        shutil.rmtree(directory, ignore_errors=True)  # kept only when there is something to see


def report(terminalreporter) -> None:
    """Say what the scan found (or that it found nothing)."""
    found = getattr(terminalreporter.config, "_panel_log_hits", None)
    if found is None:
        directory = getattr(terminalreporter.config, "_panel_log_dir", LOGS)
        terminalreporter.write_line(f"log scan: no personal data in the logs ({directory.name})")
        return
    terminalreporter.section("personal data in the logs (quality bar 19)", red=True)
    terminalreporter.write_line(f"in {terminalreporter.config._panel_log_dir}")
    for line in found[:50]:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"{len(found)} lines in all")
