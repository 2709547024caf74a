"""Kill the tracking fold at 50 random moments, run it again, and count: every complete hit
line on the spool is in the database exactly once (none twice, none lost), and a half-written
last line waits for its end rather than being stored or dropped. The same for the Redis stream
that several web servers share (REDIS_URL), at 8 moments."""

from __future__ import annotations

import random
import shutil
import signal
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, _with_database, build_schema
from tests.crash_zygote import Zygote

FILES = 16
LINES = 500
RUNS = 50
FOLD = "tests.mailer.crash_runner:fold"


def _write_spool(folder: Path) -> Counter:
    """Spool files as web processes leave them; returns the hits that must be counted."""
    folder.mkdir(parents=True)
    expected = Counter()
    hour = int(time.time() // 3600)
    for number in range(FILES):
        lines = []
        for line in range(LINES):
            recipient = number * 100_000 + line
            kind = "open" if line % 3 else "click"
            lines.append(
                f"{kind}\t7\t{recipient}\t{'' if kind == 'open' else 3}\t1796500000000\t\n"
            )
            expected[(kind, recipient)] += 1
        tail = "open\t7\t999999\t\t17965" if number % 5 == 0 else ""  # a write cut short
        (folder / f"web{number % 2}-{1000 + number}-{hour}.hits").write_text("".join(lines) + tail)
    return expected


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    zygote = Zygote(
        [
            "app",
            "tests.mailer.crash_runner",
            "mailer.tracking.spool",
            "mailer.tracking.hit_store",
            "panel.database_setup",
        ],
        tmp_path_factory.mktemp("zygote") / "stderr.log",
    )
    yield zygote
    zygote.close()


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory):
    """A migrated empty database; each call gives a copy of it."""
    if ON_POSTGRES:
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        template = f"fold_template_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{template}"'))
        build_schema(_with_database(TEST_DATABASE_URL, template))
        copies = []

        def make_copy(_folder):
            name = f"fold_run_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            copies.append(name)
            return _with_database(TEST_DATABASE_URL, name)

        yield make_copy
        with admin.connect() as connection:
            for name in [*copies, template]:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("fold") / "template.sqlite3"
    build_schema(f"sqlite:///{path}")

    def copy(folder):
        shutil.copy(path, folder / "panel.sqlite3")
        return f"sqlite:///{folder / 'panel.sqlite3'}"

    yield copy


@pytest.fixture(scope="module")
def spool(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spool") / "hits"
    return folder, _write_spool(folder)


def _stored(url: str) -> Counter:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT kind, recipient_id FROM tracking_hits")).all()
    engine.dispose()
    return Counter((kind, recipient) for kind, recipient in rows)


@pytest.fixture(scope="module")
def fold_seconds(zygote, fresh_database, spool, tmp_path_factory):
    """How long one uninterrupted fold of the whole spool takes here."""
    folder = tmp_path_factory.mktemp("calibrate")
    url = fresh_database(folder)
    shutil.copytree(spool[0], folder / "hits")
    started = time.monotonic()
    assert zygote.run(FOLD, url, folder / "hits") == 0
    elapsed = time.monotonic() - started
    assert _stored(url) == spool[1]
    return elapsed


@pytest.mark.parametrize("half", [0, 1])
def test_killing_the_fold_at_random_moments_never_counts_a_hit_twice_or_loses_one(
    zygote, fresh_database, spool, fold_seconds, tmp_path, half
):
    """50 kills in all, in two halves that xdist can run side by side."""
    source, expected = spool
    rng = random.Random(20261206 + half)
    for run in range(RUNS // 2):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        url = fresh_database(folder)
        shutil.copytree(source, folder / "hits")
        moment = rng.uniform(0, fold_seconds * 1.1)
        folder_pid = zygote.start(FOLD, url, folder / "hits")
        time.sleep(moment)
        assert zygote.kill(folder_pid) in (0, -signal.SIGKILL)
        assert zygote.run(FOLD, url, folder / "hits") == 0, run
        stored = _stored(url)
        assert stored == expected, (run, round(moment, 3), sum(stored.values()))


REDIS_RUNS = 8
FOLD_REDIS = "tests.mailer.crash_runner:fold_redis"


def _fill_stream(client, key: str, spool_folder: Path, bulletin_id: int) -> None:
    """The same hits, as web servers with REDIS_URL leave them in the stream; each run names a
    bulletin of its own, so that every run can share one database."""
    with client.pipeline(transaction=False) as pipe:
        for path in sorted(spool_folder.glob("*.hits")):
            for line in path.read_bytes().splitlines(keepends=True):
                if line.endswith(b"\n"):  # a cut-short spool line has no counterpart in Redis
                    pipe.xadd(key, {b"h": line.replace(b"\t7\t", f"\t{bulletin_id}\t".encode(), 1)})
        pipe.execute()


def _stored_for(url: str, bulletin_id: int) -> Counter:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT kind, recipient_id FROM tracking_hits WHERE bulletin_id = :b"),
            {"b": bulletin_id},
        ).all()
    engine.dispose()
    return Counter((kind, recipient) for kind, recipient in rows)


def test_killing_the_redis_fold_at_random_moments_never_counts_a_hit_twice_or_loses_one(
    zygote, fresh_database, spool, tmp_path, redis_url, redis_key
):
    """The Redis stream's fold (several web servers, REDIS_URL) killed at 8 moments, after one
    uninterrupted fold that says how long a fold takes here."""
    client = redis.Redis.from_url(redis_url)
    source, expected = spool
    url = fresh_database(tmp_path)
    rng = random.Random(20261207)
    fold_seconds = None
    for run in range(REDIS_RUNS + 1):
        key, bulletin_id = f"{redis_key}-{run}", 1000 + run
        _fill_stream(client, key, source, bulletin_id)
        started = time.monotonic()
        folder_pid = zygote.start(FOLD_REDIS, url, redis_url, key)
        if fold_seconds is None:
            assert zygote.wait(folder_pid) == 0
            fold_seconds = time.monotonic() - started
        else:
            moment = rng.uniform(0, fold_seconds * 1.1)
            time.sleep(moment)
            assert zygote.kill(folder_pid) in (0, -signal.SIGKILL)
            assert zygote.run(FOLD_REDIS, url, redis_url, key) == 0, run
        stored = _stored_for(url, bulletin_id)
        assert stored == expected, (run, sum(stored.values()))
        assert client.xlen(key) == 0, run  # stored entries leave the stream
    client.close()
