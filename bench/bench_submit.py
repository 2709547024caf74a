"""Survey answering under load: 200 simulated respondents (each its own keep-alive connection
and session) answer a 10-page survey from an open link through gunicorn (2 workers, as the README
runs it: one thread each on SQLite, four on PostgreSQL), thinking about 0.5 s between pages.
They arrive spread over one survey's worth of thinking (people do not all click at the same
instant) and pages are counted once everyone is answering. Every page is a real form POST with
its CSRF token, validated and saved; afterwards the database must hold exactly the answers sent
(none lost, none twice).

Prints figures per database, then one JSON line: concurrency, submits_per_s, p50_ms, p99_ms,
lost, duplicated, respondents, baseline_submits_per_s (one respondent with no think time in
the same run: the server's speed for a single person) and ratio_vs_baseline, the
PostgreSQL figures, the SQL statements of one page on each, and PostgreSQL with one thread a
worker measured in the same run for comparison.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from common import database_urls, make_app

from panel.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
THINK = float(os.environ.get("BENCH_THINK", "0.5"))
PAGES = 10
SECRET = "benchmark-secret-key"
CSRF = re.compile(
    rb'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def build_survey() -> str:
    """A live 10-page survey (a choice and a short text on each page); returns its open link."""
    from panel.auth.models import Role, StaffUser
    from surveys import content as doc
    from surveys.fieldwork.invitations import create_open_link
    from surveys.models import AudienceKind, InvolvementLevel
    from surveys.services import authoring, lifecycle

    now = datetime.now(UTC)
    author = StaffUser(email="bench-author@example.nhs.uk", name="Author", role=Role.COMMS)
    approver = StaffUser(email="bench-approver@example.nhs.uk", name="Approver", role=Role.COMMS)
    db.session.add_all([author, approver])
    db.session.flush()
    plan = authoring.Plan(
        title="Bench survey",
        purpose="Load.",
        decision="None.",
        already_known="",
        equality_considerations="",
        audience=AudienceKind.PUBLIC,
        segment_id=None,
        involvement=InvolvementLevel.LISTEN,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=40),
        formal_consultation=False,
        urgent_reason="",
        anonymous=True,
        place_id=None,
    )
    survey = authoring.create_survey(db.session, author, plan, now)
    for page in range(PAGES):
        if page:
            authoring.add_page(survey, f"Page {page + 1}", now)
        authoring.save_question(
            survey,
            page,
            doc.question(
                f"c{page}",
                "single_choice",
                f"Choice {page}?",
                why_we_ask="x",
                options=["Yes", "No", "Not sure"],
            ),
            now,
        )
        authoring.save_question(
            survey,
            page,
            doc.question(f"t{page}", "short_text", f"Words {page}?", why_we_ask="x"),
            now,
        )
    lifecycle.submit_for_review(db.session, survey, author, now)
    lifecycle.approve(db.session, survey, approver, now)
    for checked in lifecycle.checking.check(db.session, survey).blocking:
        lifecycle.record_override(
            db.session,
            survey,
            author,
            checked.finding.rule,
            checked.finding.question_key or "",
            "Benchmark only.",
            now,
        )
    lifecycle.publish(db.session, survey, author, now)
    link = create_open_link(db.session, survey, author, "Bench", now)
    db.session.commit()
    return link.code


class Connection:
    """A minimal HTTP/1.1 keep-alive client (responses always carry Content-Length here)."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, dict, bytes]:
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = int(headers.get("content-length", ["0"])[0])
        data = await self.reader.readexactly(length) if length else b""
        for cookie in headers.get("set-cookie", []):
            if cookie.startswith("session="):
                self.cookie = cookie.split(";", 1)[0]
        if headers.get("connection", [""])[0].lower() == "close":
            self.writer.close()
            await self.open()
        return status, headers, data


class Load:
    """Respondents who arrive spread over ``ramp`` seconds, then answer survey after survey for
    ``seconds`` more. Pages are counted from when everyone has arrived; everything sent is
    checked against the database."""

    def __init__(self, port: int, code: str, think: float, ramp: float, seconds: float):
        self.port, self.code, self.think, self.ramp = port, code, think, ramp
        self.seconds = seconds
        self.latencies: list[float] = []  # counted pages only
        self.expected: dict[str, dict[str, str]] = {}  # resume token -> key -> value
        self.errors = 0

    async def respondent(self, number: int) -> None:
        rng = random.Random(number)
        await asyncio.sleep(rng.uniform(0, self.ramp))
        connection = Connection(self.port)
        await connection.open()
        while time.monotonic() < self.until:
            connection.cookie = ""
            _status, _h, page = await connection.request("GET", f"/o/{self.code}")
            match = CSRF.search(page)
            csrf = (match.group(1) or match.group(2)).decode()
            status, headers, _ = await connection.request(
                "POST", f"/o/{self.code}", urlencode({"csrf_token": csrf}).encode()
            )
            token = headers["location"][0].split("/r/", 1)[1].split("/", 1)[0]
            sent = self.expected.setdefault(token, {})
            for page_number in range(1, PAGES + 1):
                await asyncio.sleep(self.think * rng.uniform(0.8, 1.2))
                answers = {
                    "c": rng.choice(["Yes", "No", "Not sure"]),
                    "t": f"r{number}-{token[:6]}",
                }
                form = {
                    "csrf_token": csrf,
                    f"c{page_number - 1}": answers["c"],
                    f"t{page_number - 1}": answers["t"],
                }
                start = time.monotonic()
                status, _h, _ = await connection.request(
                    "POST", f"/r/{token}/page/{page_number}", urlencode(form).encode()
                )
                if self.counted_from <= start < self.until:
                    self.latencies.append((time.monotonic() - start) * 1000)
                if status != 302:
                    self.errors += 1
                    continue
                sent[f"c{page_number - 1}"] = answers["c"]
                sent[f"t{page_number - 1}"] = answers["t"]
            status, _h, _ = await connection.request(
                "POST", f"/r/{token}/check", urlencode({"csrf_token": csrf}).encode()
            )
            if status != 302:
                self.errors += 1
        connection.writer.close()

    def run(self, concurrency: int) -> float:
        """Runs everyone; returns the pages counted per second."""

        async def everyone():
            self.counted_from = time.monotonic() + self.ramp
            self.until = self.counted_from + self.seconds
            await asyncio.gather(*(self.respondent(i) for i in range(concurrency)))

        asyncio.run(everyone())
        return len(self.latencies) / self.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# As the README's production line: threads keep connections alive (a sync worker closes each
# one and waits for the client to close its side); the heartbeat file in memory, not on disk.
GUNICORN = (
    "-w",
    "2",
    "-k",
    "gthread",
    "--keep-alive",
    "30",
    "--worker-connections",
    "1000",
    "--worker-tmp-dir",
    "/dev/shm",
)


# Threads a worker. SQLite: one, so one request at a time per process holds its write lock.
# PostgreSQL: a page save waits on the database between its round trips, and with one thread
# the worker sits idle meanwhile; four let other requests use the CPU (the pool's five
# connections cover them). main() also measures PostgreSQL with one thread, in the same run.
THREADS = {"sqlite": 1, "postgresql": 4}


def serve(url: str, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": "0",
        "MAIL_BACKEND": "memory",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *GUNICORN,
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def check_database(app, load: Load) -> tuple[int, int, int]:
    """(lost, duplicated, responses): answers sent but missing or different, and extra rows."""
    from surveys.fieldwork.models import Answer, SurveyResponse
    from surveys.fieldwork.tokens import hash_token

    with app.app_context():
        by_hash = {hash_token(token): token for token in load.expected}
        rows = db.session.execute(
            sa.select(SurveyResponse.token_hash, Answer.question_key, Answer.value).join(
                Answer, Answer.response_id == SurveyResponse.id
            )
        ).all()
        responses = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)))
        db.session.remove()
        db.engine.dispose()
    stored: dict[tuple[str, str], list] = {}
    for token_hash, key, value in rows:
        stored.setdefault((by_hash.get(token_hash, "?"), key), []).append(value)
    lost = sum(
        1
        for token, answers in load.expected.items()
        for key, value in answers.items()
        if stored.get((token, key)) != [value]
    )
    expected_pairs = {(t, k) for t, answers in load.expected.items() for k in answers}
    duplicated = sum(len(v) - 1 for v in stored.values()) + sum(
        1 for pair in stored if pair not in expected_pairs
    )
    return lost, duplicated, responses - len(load.expected)


def statements_per_page(app, code: str) -> tuple[float, float]:
    """(SQL statements, connection checkouts) per answered page, counted in this process on the
    same database after the load: the cost of a page that does not depend on how busy the
    machine is (each statement and each checkout's ping is a round trip to PostgreSQL, plus
    BEGIN and COMMIT)."""
    counts = {"statements": 0, "checkouts": 0}

    def statement(*_args):
        counts["statements"] += 1

    def checkout(*_args):
        counts["checkouts"] += 1

    client = app.test_client()
    start = client.post(f"/o/{code}")
    token = start.headers["Location"].split("/r/", 1)[1].split("/", 1)[0]
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", statement)
    sa.event.listen(engine, "checkout", checkout)
    try:
        for number in range(1, PAGES + 1):
            form = {f"c{number - 1}": "Yes", f"t{number - 1}": "counted"}
            assert client.post(f"/r/{token}/page/{number}", data=form).status_code == 302
    finally:
        sa.event.remove(engine, "before_cursor_execute", statement)
        sa.event.remove(engine, "checkout", checkout)
        engine.dispose()
    return counts["statements"] / PAGES, counts["checkouts"] / PAGES


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1)


def measure(kind: str, url: str, threads: int) -> dict:
    app = make_app(url)
    with app.app_context():
        code = build_survey()
        db.session.remove()
        db.engine.dispose()
    server, port = serve(url, threads)
    try:
        # Both workers booted, templates compiled and connections open before anything counts.
        warm_up = Load(port, code, think=0, ramp=0, seconds=3)
        warm_up.run(8)
        baseline = Load(port, code, think=0, ramp=0, seconds=5)
        baseline_rate = baseline.run(1)
        load = Load(port, code, think=THINK, ramp=THINK * PAGES, seconds=SECONDS)
        rate = load.run(CONCURRENCY)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    for other in (baseline, warm_up):
        load.expected.update(other.expected)
    lost, duplicated, extra_responses = check_database(app, load)
    statements, checkouts = statements_per_page(app, code)
    figures = {
        "submits_per_s": round(rate, 1),
        "p50_ms": percentile(load.latencies, 0.5),
        "p99_ms": percentile(load.latencies, 0.99),
        "submits": len(load.latencies),
        "errors": load.errors + baseline.errors + warm_up.errors,
        "lost": lost,
        "duplicated": duplicated + max(0, extra_responses),
        "respondents": len(load.expected) - len(baseline.expected) - len(warm_up.expected),
        "baseline_submits_per_s": round(baseline_rate, 1),
        "statements_per_page": statements,
        "checkouts_per_page": checkouts,
    }
    print(
        f"{kind:10} {threads} thread(s) a worker, {CONCURRENCY} respondents, think {THINK}s: "
        f"{figures['submits_per_s']:,} "
        f"page submissions/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"{figures['submits']:,} submissions by {figures['respondents']:,} respondents, "
        f"{figures['errors']} errors; lost {lost}, duplicated {figures['duplicated']}; "
        f"one respondent without think time: {figures['baseline_submits_per_s']}/s; "
        f"{statements:g} SQL statements and {checkouts:g} connection checkouts a page"
    )
    return figures


def main() -> None:
    results = {kind: measure(kind, url, THREADS[kind]) for kind, url in database_urls()}
    sqlite, postgres = results["sqlite"], results.get("postgresql")
    one_thread = None
    if postgres:
        # The comparison: PostgreSQL served as SQLite is (one thread a worker), on a new database.
        one_thread = measure("postgresql", dict(database_urls())["postgresql"], 1)
    print(
        f"gunicorn {' '.join(GUNICORN)} --threads {THREADS}; "
        "the load generator runs on the same cores"
    )
    print(
        json.dumps(
            {
                "concurrency": CONCURRENCY,
                "submits_per_s": sqlite["submits_per_s"],
                "p50_ms": sqlite["p50_ms"],
                "p99_ms": sqlite["p99_ms"],
                "lost": sqlite["lost"],
                "duplicated": sqlite["duplicated"],
                "errors": sqlite["errors"],
                "respondents": sqlite["respondents"],
                "baseline_submits_per_s": sqlite["baseline_submits_per_s"],
                "ratio_vs_baseline": round(
                    sqlite["submits_per_s"] / sqlite["baseline_submits_per_s"], 2
                ),
                "target_submits_per_s": 300,
                "target_p99_ms": 150,
                "postgres_submits_per_s": postgres["submits_per_s"] if postgres else None,
                "postgres_p99_ms": postgres["p99_ms"] if postgres else None,
                "postgres_lost": postgres["lost"] if postgres else None,
                "postgres_duplicated": postgres["duplicated"] if postgres else None,
                "statements_per_page": sqlite["statements_per_page"],
                "postgres_statements_per_page": (
                    postgres["statements_per_page"] if postgres else None
                ),
                "postgres_one_thread_submits_per_s": (
                    one_thread["submits_per_s"] if one_thread else None
                ),
                "postgres_one_thread_p99_ms": one_thread["p99_ms"] if one_thread else None,
            }
        )
    )


if __name__ == "__main__":
    main()
