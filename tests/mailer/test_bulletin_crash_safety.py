"""Kill the sending process at random moments and at each named hazard point, restart it, and
prove from the fake SendGrid's own log: no one got two copies, no one was silently skipped."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, _with_database, build_schema

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 300
RUNS = 24


def _run(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "tests.mailer.crash_runner", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A migrated database with members and a due bulletin; make_copy() gives each run its own."""
    if ON_POSTGRES:
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        template = f"crash_template_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{template}"'))
        url = _with_database(TEST_DATABASE_URL, template)
    else:
        path = tmp_path_factory.mktemp("crash") / "template.sqlite3"
        url = f"sqlite:///{path}"
    build_schema(url)
    result = _run("setup", url, "http://127.0.0.1:9", str(MEMBERS))
    assert result.returncode == 0, result.stderr[-2000:]
    if not ON_POSTGRES:
        yield lambda folder: _copy_sqlite(path, folder)
        return
    copies = []

    def make_copy(_folder):
        name = f"crash_run_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        copies.append(name)
        return _with_database(TEST_DATABASE_URL, name)

    yield make_copy
    with admin.connect() as connection:
        for name in [*copies, template]:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _copy_sqlite(template: Path, folder: Path) -> str:
    target = folder / "panel.sqlite3"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def _start_fake(tmp_path: Path, log: Path) -> tuple[subprocess.Popen, str]:
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.fake_sendgrid",
            "--port",
            "0",
            "--log",
            str(log),
            "--ready-file",
            str(ready),
            "--delay",
            "0.005",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.time() + 15
    while not ready.exists():
        assert time.time() < deadline, "fake SendGrid did not start"
        time.sleep(0.02)
    return process, ready.read_text().strip()


def _ledger(url: str) -> dict[int, str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, state FROM bulletin_recipients")).all()
    engine.dispose()
    return dict(rows)


HAZARDS = ["marked", "answered", "recorded"]


def test_killing_the_sender_never_duplicates_or_silently_skips(template_db, tmp_path):
    rng = random.Random(20261123)
    for run in range(RUNS):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        url = template_db(folder)
        log = folder / "fake.jsonl"
        fake, fake_url = _start_fake(folder, log)
        try:
            if run % 2:
                # A named hazard point, at a random batch.
                point = f"{HAZARDS[run // 2 % 3]}:{rng.randint(1, 12)}"
                first = _run("send", url, fake_url, point)
                assert first.returncode in (0, -signal.SIGKILL), first.stderr[-2000:]
            else:
                # A random moment: import, claim, ledger, mid-request or between batches.
                sender = subprocess.Popen(
                    [sys.executable, "-m", "tests.mailer.crash_runner", "send", url, fake_url],
                    cwd=ROOT,
                    stderr=subprocess.DEVNULL,
                )
                time.sleep(rng.uniform(0.3, 2.5))
                sender.send_signal(signal.SIGKILL)
                sender.wait()
            second = _run("recover", url, fake_url)
            assert second.returncode == 0, second.stderr[-2000:]
        finally:
            fake.send_signal(signal.SIGTERM)
            fake.wait(10)
        accepted = (
            [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        )
        recipient_ids = [int(entry["custom_args"]["recipient_id"]) for entry in accepted]
        assert len(recipient_ids) == len(set(recipient_ids)), f"run {run}: a duplicate"
        ledger = _ledger(url)
        # Killed before the claim committed or not, the restart fixed the whole list.
        assert len(ledger) == MEMBERS, run
        sent = set(recipient_ids)
        for recipient_id, state in ledger.items():
            if recipient_id in sent:
                assert state in ("accepted", "unknown"), (run, recipient_id, state)
            else:
                # Never handed over: it can only be an unknown or failed batch, listed to resend.
                assert state in ("unknown", "failed"), (run, recipient_id, state)
            if state == "accepted":
                assert recipient_id in sent, (run, recipient_id)
        unaccounted = [r for r, s in ledger.items() if s not in ("accepted", "unknown", "failed")]
        assert unaccounted == []
