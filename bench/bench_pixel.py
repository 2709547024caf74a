"""Tracking pixel under a burst: gunicorn (2 workers) serving /t/o/<token>.gif to wrk's
keep-alive connections, each request a different recipient's token, against a static 1x1 GIF
served by the same server in the same run. Afterwards the server is stopped gracefully, the
spool is folded, and every completed request must be a row in the database.

wrk counts the requests it finished before its time was up; requests still in flight at that
moment are served and recorded too, so the database may hold up to one per open connection
more than wrk counted ("served_after_stop"). "lost" is wrk's count minus the rows, floored at 0.

With TEST_REDIS_URL (tools/with-redis.sh, as `make bench-pixel` runs it) PostgreSQL is measured
a second time with REDIS_URL set: hits go to the Redis stream, as with several web servers, and
the stream is folded afterwards (redis_* keys).

Prints figures per database, then one JSON line with req_per_s, p99_ms, lost, ratio_vs_static,
static_req_per_s, the PostgreSQL figures and the PostgreSQL + Redis figures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from common import database_urls, make_app

from panel.extensions import db

ROOT = Path(__file__).resolve().parent.parent
RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "20000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SECRET = "benchmark-secret-key"
GIF = ROOT / "static" / "vendor" / "bench" / "pixel.gif"

LUA = """
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local index = 0
local agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
request = function()
  index = index %% #tokens + 1
  return wrk.format("GET", "/t/o/" .. tokens[index] .. ".gif", {["User-Agent"] = agent})
end
"""


def populate(n: int) -> tuple[int, list[int]]:
    from mailer.bulletins.models import Bulletin, BulletinRecipient, BulletinStatus

    now = datetime.now(UTC)
    bulletin = Bulletin(title="Bench", status=BulletinStatus.SENT, started_at=now)
    db.session.add(bulletin)
    db.session.flush()
    db.session.execute(
        sa.insert(BulletinRecipient),
        [
            {"bulletin_id": bulletin.id, "state": "accepted", "tracking_consent": True}
            for _ in range(n)
        ],
    )
    db.session.commit()
    ids = list(
        db.session.scalars(
            sa.select(BulletinRecipient.id).where(BulletinRecipient.bulletin_id == bulletin.id)
        )
    )
    return bulletin.id, ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, script: Path | None) -> dict:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "5s"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": requests,
        "req_per_s": per_second,
        "p99_ms": round(float(p99.group(1)) * scale, 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def wait_until_up(port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def measure(kind: str, url: str, redis_url: str = "") -> dict:
    spool = Path(tempfile.mkdtemp(prefix="bench-spool-"))
    stream = f"bench:tracking:{os.getpid()}"
    app = make_app(
        url, TRACKING_SPOOL_DIR=str(spool), REDIS_URL=redis_url, TRACKING_REDIS_KEY=stream
    )
    with app.app_context():
        from mailer.tracking.tokens import TrackingSigner

        bulletin_id, recipient_ids = populate(RECIPIENTS)
        signer = TrackingSigner(SECRET)
        tokens = Path(tempfile.mkdtemp()) / "tokens.txt"
        tokens.write_text("\n".join(signer.make(bulletin_id, r) for r in recipient_ids) + "\n")
        db.engine.dispose()
    script = tokens.parent / "pixel.lua"
    script.write_text(LUA % {"tokens": tokens})
    GIF.parent.mkdir(parents=True, exist_ok=True)
    from mailer.tracking.views import PIXEL

    GIF.write_bytes(PIXEL)

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "TRACKING_SPOOL_DIR": str(spool),
        "RATELIMIT_ENABLED": "0",
        "MAIL_BACKEND": "memory",
        "REDIS_URL": redis_url,
        "TRACKING_REDIS_KEY": stream,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        base = f"http://127.0.0.1:{port}"
        # warm-up
        subprocess.run(
            ["wrk", "-t1", "-c4", "-d2s", f"{base}/static/vendor/bench/pixel.gif"],
            capture_output=True,
            check=True,
        )
        static = wrk(f"{base}/static/vendor/bench/pixel.gif", None)
        pixel = wrk(base, script)
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: workers finish what they hold
        server.wait(60)
        shutil.rmtree(GIF.parent, ignore_errors=True)
    with app.app_context():
        from mailer.tracking.hit_store import fold_stream, redis_client
        from mailer.tracking.models import TrackingHit
        from mailer.tracking.spool import fold_spool

        fold_start = time.perf_counter()
        if redis_url:
            folded = fold_stream(db.session, redis_client(app), stream)
            redis_client(app).delete(stream)
        else:
            folded = fold_spool(db.session, spool, datetime.now(UTC))
        fold_seconds = time.perf_counter() - fold_start
        rows = db.session.scalar(
            sa.select(sa.func.count(TrackingHit.id)).where(TrackingHit.bulletin_id == bulletin_id)
        )
        db.session.remove()
        db.engine.dispose()
    served_ok = pixel["requests"] - pixel["non_2xx"]
    figures = {
        **pixel,
        "static_req_per_s": static["req_per_s"],
        "static_p99_ms": static["p99_ms"],
        "rows": rows,
        "lost": max(0, served_ok - rows),
        "served_after_stop": max(0, rows - served_ok),
        "fold_rows_per_s": round(folded.hits / fold_seconds) if fold_seconds else None,
    }
    errors = f", socket errors: {pixel['socket_errors']}" if pixel["socket_errors"] else ""
    print(
        f"{kind:10} pixel {pixel['req_per_s']:,.0f} req/s, p99 {pixel['p99_ms']} ms, "
        f"{pixel['requests']:,} requests ({pixel['non_2xx']} non-2xx{errors}); "
        f"static 1x1 GIF {static['req_per_s']:,.0f} req/s, p99 {static['p99_ms']} ms; "
        f"rows {rows:,}, lost {figures['lost']}, "
        f"served after wrk stopped {figures['served_after_stop']}; "
        f"fold {figures['fold_rows_per_s']:,} rows/s"
    )
    return figures


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench-pixel needs wrk (apt-get install wrk; `make bench-pixel` installs it)")
    urls = database_urls()
    results = {kind: measure(kind, url) for kind, url in urls}
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    if redis_url and "postgresql" in results:
        # A database of its own, so the rows counted are this run's.
        postgres_again = database_urls()[-1][1]
        results["redis"] = measure("pg+redis", postgres_again, redis_url)
    sqlite = results["sqlite"]
    postgres = results.get("postgresql")
    with_redis = results.get("redis")
    print(
        f"gunicorn 2 workers (gthread, 4 threads), wrk 2 threads x {CONNECTIONS} keep-alive "
        f"connections, {SECONDS}s per run, {RECIPIENTS:,} distinct tokens, all on the same 2 cores"
    )
    print(
        json.dumps(
            {
                "req_per_s": round(sqlite["req_per_s"]),
                "p99_ms": sqlite["p99_ms"],
                "lost": sqlite["lost"],
                "ratio_vs_static": round(sqlite["req_per_s"] / sqlite["static_req_per_s"], 2),
                "static_req_per_s": round(sqlite["static_req_per_s"]),
                "requests": sqlite["requests"],
                "rows": sqlite["rows"],
                "served_after_stop": sqlite["served_after_stop"],
                "target_req_per_s": 1500,
                "target_p99_ms": 50,
                "postgres_req_per_s": round(postgres["req_per_s"]) if postgres else None,
                "postgres_p99_ms": postgres["p99_ms"] if postgres else None,
                "postgres_lost": postgres["lost"] if postgres else None,
                "postgres_ratio_vs_static": round(
                    postgres["req_per_s"] / postgres["static_req_per_s"], 2
                )
                if postgres
                else None,
                "redis_req_per_s": round(with_redis["req_per_s"]) if with_redis else None,
                "redis_p99_ms": with_redis["p99_ms"] if with_redis else None,
                "redis_lost": with_redis["lost"] if with_redis else None,
                "redis_fold_rows_per_s": with_redis["fold_rows_per_s"] if with_redis else None,
            }
        )
    )


if __name__ == "__main__":
    main()
