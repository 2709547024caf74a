"""Structured logs: JSON lines with the request id the response carries, job runs with their
own id, and addresses, tokens and secret values scrubbed from every message and traceback; the
suite-wide scan (tests/log_scan.py) finds what the scrubbing cannot know about."""

from __future__ import annotations

import io
import json
import logging
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scheduler import JobSpec, run_job
from panel.log_format import REQUEST_ID_HEADER, json_handler, redact
from tests.factories import STAFF_PASSWORD
from tests.log_scan import scan_logs

logger = logging.getLogger("tests.logs")


def noisy_job(session, now):
    """A job that logs a line naming someone, as careless code might."""
    logger.warning("reminder sent to jo.bloggs@example.org")


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = json_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


@pytest.fixture
def app(app):
    @app.get("/log-for-test/<path:anything>")
    def log_for_test(anything):
        logger.warning("looked up %s for person@example.net", anything)
        return "ok"

    return app


def test_each_line_of_a_request_carries_the_id_its_response_gives(client, log_lines):
    token = secrets.token_urlsafe(32)
    response = client.get(f"/log-for-test/{token}")
    request_id = response.headers[REQUEST_ID_HEADER]
    [line] = [line for line in log_lines() if line["logger"] == "tests.logs"]
    assert line["request_id"] == request_id and len(request_id) == 32
    assert line["level"] == "WARNING" and line["time"].endswith("+00:00")
    assert line["message"] == "looked up [token] for [email]"


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/healthz/web", headers={REQUEST_ID_HEADER: "lb-7f3a9c21e0"})
    assert kept.headers[REQUEST_ID_HEADER] == "lb-7f3a9c21e0"
    forged = client.get("/healthz/web", headers={REQUEST_ID_HEADER: "<script>alert(1)</script>"})
    assert forged.headers[REQUEST_ID_HEADER] != "<script>alert(1)</script>"
    assert len(forged.headers[REQUEST_ID_HEADER]) == 32


def test_a_job_runs_lines_carry_the_runs_id_and_no_address(app, log_lines):
    run_job(app, JobSpec("noisy", "tests.panel.test_logs:noisy_job", 60))
    [line] = [line for line in log_lines() if line["logger"] == "tests.logs"]
    assert line["request_id"].startswith("job-noisy-")
    assert line["message"] == "reminder sent to [email]"


def test_a_traceback_is_scrubbed_too(log_lines):
    try:
        raise ValueError("password=hunter2 rejected for a@b.org")
    except ValueError:
        logger.exception("failed")
    [line] = [line for line in log_lines() if line["logger"] == "tests.logs"]
    assert "hunter2" not in line["exception"] and "a@b.org" not in line["exception"]


emails = st.emails()


@given(
    before=st.text(alphabet=st.characters(codec="ascii", exclude_characters="@"), max_size=30),
    address=emails,
    token_bytes=st.integers(min_value=18, max_value=64),
)
def test_no_address_or_random_token_survives_scrubbing(before, address, token_bytes):
    token = secrets.token_urlsafe(token_bytes)
    quoted = address.replace("@", "%40")
    text = redact(f"{before} {address} {token} GET /staff/members?q={quoted} {before}")
    assert address not in text and token not in text and "@" not in text and quoted not in text


def test_the_suite_scan_finds_what_scrubbing_cannot_know(tmp_path):
    lines = [
        {"message": f"signed in with {STAFF_PASSWORD}"},
        {"message": "answer was Bisexual"},
        {"message": "job purge-unconfirmed-sign-ups removed 3"},
        {"message": "raw jo@example.org"},
    ]
    (tmp_path / "main.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    assert scan_logs(tmp_path) == [
        "main.jsonl:1: a test password",
        "main.jsonl:2: an equality answer (Bisexual)",
        "main.jsonl:4: an email address",
    ]


def test_running_the_migrations_keeps_the_json_logs(tmp_path):
    from tests.conftest import build_schema

    build_schema(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    root = logging.getLogger()
    assert any(getattr(handler, "panel_json", False) for handler in root.handlers)
    assert root.level <= logging.INFO
