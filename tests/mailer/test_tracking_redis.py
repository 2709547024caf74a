"""With REDIS_URL (several web servers), opens and clicks go to the shared Redis stream, not a
folder; the scheduler's fold stores each once, the metrics show what waits, and an unreachable
Redis costs the hit, never the person's image or redirect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from app.scheduler import JOBS, run_job
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
    _fold(app)  # a second fold finds nothing new
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
