"""With REDIS_URL (several web servers), opens and clicks go to the shared Redis stream, not a
folder; the scheduler's fold stores each once, the metrics show what waits, and an unreachable
Redis costs the hit, never the person's image or redirect; a fold dying before its commit or
before its trim stores each hit once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from app.scheduler import JOBS, run_job
from mailer.tracking import hit_store
from mailer.tracking.models import TrackingHit
from tests.mailer.test_tracking import _send


@pytest.fixture
def app_config(tmp_path, redis_url, redis_key):
    return {
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "TRACKING_SPOOL_DIR": str(tmp_path / "spool"),
        "REDIS_URL": redis_url,
        "TRACKING_REDIS_KEY": f"{redis_key}:hits",
    }


def _fold(app):
    run_job(app, next(spec for spec in JOBS if spec.id == "fold-tracking-hits"))


def _metric(client, name: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))


def test_hits_go_through_redis_and_are_folded_once(session, app, client, now, redis_url):
    bulletin, _members, (tracked, _) = _send(session, app, now)
    pixel = re.search(r'src="http://panel.test(/t/o/[^"]+)"', tracked.html_body).group(1)
    link = re.search(r"/t/c/[\w-]{27}/\d+", tracked.html_body).group(0)
    for _ in range(3):
        assert client.get(pixel).status_code == 200
    assert client.get(link).status_code == 302
    stream = redis.Redis.from_url(redis_url)
    assert stream.xlen(app.config["TRACKING_REDIS_KEY"]) == 4
    assert not Path(app.config["TRACKING_SPOOL_DIR"]).exists()  # no folder on this server
    assert _metric(client, "panel_tracking_unfolded_hits") == 4

    _fold(app)
    by_hand = app.test_cli_runner().invoke(args=["fold-tracking"])  # finds nothing new
    assert "0 hits folded from Redis" in by_hand.output
    kinds = session.scalars(
        sa.select(TrackingHit.kind).where(TrackingHit.bulletin_id == bulletin.id)
    ).all()
    assert sorted(kinds) == ["click", "open", "open", "open"]
    assert stream.xlen(app.config["TRACKING_REDIS_KEY"]) == 0
    assert _metric(client, "panel_tracking_unfolded_hits") == 0


def test_an_unreachable_redis_drops_the_hit_but_not_the_image_or_redirect(
    session, app, client, now
):
    _bulletin, _members, (tracked, _) = _send(session, app, now)
    pixel = re.search(r'src="http://panel.test(/t/o/[^"]+)"', tracked.html_body).group(1)
    link = re.search(r"/t/c/[\w-]{27}/\d+", tracked.html_body).group(0)
    dropped_before = _metric(client, "panel_tracking_hits_dropped_total")
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    for cached in ("tracking", "tracking_redis"):
        app.extensions.pop(cached, None)
    assert client.get(pixel).status_code == 200
    assert client.get(link).status_code == 302
    assert _metric(client, "panel_tracking_hits_dropped_total") == dropped_before + 2
    assert _metric(client, "panel_tracking_unfolded_hits") == -1


class Killed(Exception):
    """Stands for the fold's process dying at that point."""


def test_a_fold_dying_before_its_commit_or_before_its_trim_stores_each_hit_once(
    app, session, redis_url, monkeypatch
):
    key = app.config["TRACKING_REDIS_KEY"]
    stream = redis.Redis.from_url(redis_url)
    for recipient in range(7):
        stream.xadd(key, {b"h": f"open\t5\t{recipient}\t\t1796500000000\t\n".encode()})
    monkeypatch.setattr(hit_store, "BATCH", 3)  # three transactions: 3, 3 and 1 hits

    def stored():
        session.rollback()
        return sorted(session.scalars(sa.select(TrackingHit.recipient_id)).all())

    real_commit, real_trim = session.commit, stream.xtrim
    commits = []

    def commit_then_die_on_second():
        commits.append(1)
        if len(commits) == 2:
            raise Killed
        real_commit()

    monkeypatch.setattr(session, "commit", commit_then_die_on_second)
    with pytest.raises(Killed):
        hit_store.fold_stream(session, stream, key)
    monkeypatch.setattr(session, "commit", real_commit)
    assert stored() == [0, 1, 2]

    def die_before_trim(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(stream, "xtrim", die_before_trim)
    with pytest.raises(Killed):
        hit_store.fold_stream(session, stream, key)  # commits 3..5, dies before trimming
    monkeypatch.setattr(stream, "xtrim", real_trim)
    assert stored() == [0, 1, 2, 3, 4, 5] and stream.xlen(key) == 4

    hit_store.fold_stream(session, stream, key)
    assert stored() == list(range(7)) and stream.xlen(key) == 0
