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
from tests.crash_zygote import Zygote
from tests.fakes.fake_sendgrid import FakeSendGrid

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 300


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


def _ledger(url: str) -> dict[int, str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, state FROM bulletin_recipients")).all()
    engine.dispose()
    return dict(rows)


HAZARDS = ["marked", "answered", "recorded"]
RUNNER = "tests.mailer.crash_runner:main"
#: 50 kills at random moments (quality bar 9) in two halves that xdist can run side by side.
RANDOM_RUNS = 50
#: every named hazard point, at an early, a middle and a late batch of the 15.
HAZARD_POINTS = [f"{hazard}:{nth}" for hazard in HAZARDS for nth in (1, 7, 13)]


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    """One process with the app imported, forking each sender: a run costs a fork, not a
    Python start, so 60 runs per database fit in `make test`."""
    zygote = Zygote(
        ["app", "tests.conftest", "tests.mailer.crash_runner", "mailer.bulletins.services.send"],
        tmp_path_factory.mktemp("zygote") / "stderr.log",
    )
    yield zygote
    zygote.close()


@pytest.fixture(scope="module")
def send_seconds(zygote, template_db, tmp_path_factory):
    """How long one uninterrupted send takes here, so random kills spread over all of it."""
    folder = tmp_path_factory.mktemp("calibrate")
    url = template_db(folder)
    with FakeSendGrid(log_path=folder / "fake.jsonl", delay_seconds=0.005) as fake:
        started = time.monotonic()
        assert zygote.run(RUNNER, "send", url, fake.url) == 0
        return time.monotonic() - started


def _check(run, log: Path, url: str) -> None:
    """From the fake's own log: no one got two copies, no one was silently skipped."""
    accepted = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
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


def _kill_and_recover(zygote, template_db, folder: Path, kill) -> tuple[Path, str]:
    """One run: a sender killed at a hazard point (a str) or after some seconds (a float),
    then a scheduler an hour later sending what is left."""
    folder.mkdir()
    url = template_db(folder)
    log = folder / "fake.jsonl"
    with FakeSendGrid(log_path=log, delay_seconds=0.005) as fake:
        if isinstance(kill, str):
            status = zygote.run(RUNNER, "send", url, fake.url, kill)
            assert status in (0, -signal.SIGKILL), (kill, status)
        else:
            sender = zygote.start(RUNNER, "send", url, fake.url)
            time.sleep(kill)
            assert zygote.kill(sender) in (0, -signal.SIGKILL)
        assert zygote.run(RUNNER, "recover", url, fake.url) == 0, kill
    return log, url


@pytest.mark.parametrize("half", [0, 1])
def test_killing_the_sender_at_random_moments_never_duplicates_or_silently_skips(
    zygote, template_db, send_seconds, tmp_path, half
):
    rng = random.Random(20261123 + half)
    for run in range(RANDOM_RUNS // 2):
        # From the app starting (claim, ledger) through every batch to just after the end.
        moment = rng.uniform(0, send_seconds * 1.1)
        log, url = _kill_and_recover(zygote, template_db, tmp_path / f"run{run}", moment)
        _check((half, run, round(moment, 3)), log, url)


def test_killing_the_sender_at_each_hazard_point_never_duplicates_or_silently_skips(
    zygote, template_db, tmp_path
):
    for run, point in enumerate(HAZARD_POINTS):
        log, url = _kill_and_recover(zygote, template_db, tmp_path / f"run{run}", point)
        _check(point, log, url)
