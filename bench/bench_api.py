"""The partner API's published-results endpoint (/api/v1/surveys/<id>/results) for a survey of
100,000 sent responses to a 20-question survey, served by gunicorn (2 workers, gthread, 4
threads) on loopback to wrk's keep-alive connections, every call audited as in production (one
`api.call` row each). The published page features every closed question (16), the worst case.

In the same run: the public HTML results page of the same survey (same server, same figures,
plus the template), and the time to count the figures afresh in process (what every call would
cost without the figure cache, surveys.results.figure_cache). Afterwards one sent response is
deleted with plain SQL, behind the application's back, and the endpoint must answer one
respondent fewer at once from both workers (the triggers' mark, not a timeout, renews figures).

Rate limits are off (as in bench-pixel): this measures serving, not the limiter.
The machine's 2 cores may be shared: each run also reports the server's CPU time per request
(gunicorn master and workers, from /proc) and the load average, so a low rate can be told apart
from an expensive request.
Prints figures per database, then one JSON line: req_per_s, p99_ms, cpu_ms_per_request,
html_req_per_s, html_p99_ms, html_cpu_ms_per_request, recount_ms, load_average,
ratio_vs_recount (requests/s served vs. requests/s if each call
counted afresh on one core), invalidated, and the PostgreSQL figures (pg_*).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from bench_pixel import ROOT, free_port, wait_until_up, wrk
from bench_results import build_survey, populate
from common import database_urls, make_app, median, timed

from panel.extensions import db
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import ResultsPage
from surveys.results import public

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
SECRET = "benchmark-secret-key"


def publish(survey) -> None:
    closed = [
        q["key"] for q in survey.content["pages"][0]["questions"] if q["type"] in CHOICE_TYPES
    ]
    db.session.add(
        ResultsPage(
            survey_id=survey.id,
            why_we_asked="Load.",
            what_you_said="Many things.",
            next_steps="More.",
            featured_questions=closed,
            published_at=datetime.now(UTC),
        )
    )
    db.session.commit()


def respondents(url: str) -> int:
    with urllib.request.urlopen(url, timeout=300) as answer:
        return json.load(answer)["respondents"]


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) the gunicorn master and its workers have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def loaded(target: str, master: int) -> dict:
    """wrk's figures for ``target`` and the server's CPU milliseconds per request: on a shared
    machine the rate says how busy the neighbours were, the CPU cost what a request needs."""
    before = server_cpu_seconds(master)
    found = wrk(target, None)
    used = server_cpu_seconds(master) - before
    found["cpu_ms_per_request"] = round(1000 * used / max(1, found["requests"]), 2)
    return found


def wait_until_served(url: str) -> None:
    """Until a worker answers: gunicorn listens before its workers have imported the app."""
    deadline = time.time() + 300
    while True:
        try:
            urllib.request.urlopen(url, timeout=300).read()
            return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


def measure(kind: str, url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        start = time.perf_counter()
        survey = build_survey()
        populate(survey, N, answer_rows=False)
        publish(survey)
        if kind == "postgresql":
            with db.engine.connect() as connection:
                connection.execute(sa.text("ANALYZE"))
        print(f"{kind:10} {N:,} responses in {time.perf_counter() - start:.0f} s", flush=True)
        page = db.session.get(ResultsPage, survey.id) or db.session.scalar(
            sa.select(ResultsPage).where(ResultsPage.survey_id == survey.id)
        )
        recount = timed(lambda: public.public_figures(db.session, survey, page), 5)
        survey_id = survey.id
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": "0",
        "MAIL_BACKEND": "memory",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4"]
    command += ["--keep-alive", "30", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    api_url = f"{base}/api/v1/surveys/{survey_id}/results"
    html_url = f"{base}/engagement/{survey_id}"
    try:
        wait_until_up(port)
        wait_until_served(api_url)
        for target in (api_url, html_url):  # warm-up: each worker counts once
            for _ in range(8):
                urllib.request.urlopen(target, timeout=300).read()
            subprocess.run(["wrk", "-t1", "-c4", "-d3s", target], capture_output=True, check=True)
        api = loaded(api_url, server.pid)
        print(f"{kind:10} API results: {api}", flush=True)
        html = loaded(html_url, server.pid)
        print(f"{kind:10} HTML results page: {html}", flush=True)
        before = [respondents(api_url) for _ in range(4)]
        with app.app_context():
            db.session.execute(
                sa.text(
                    "DELETE FROM survey_responses WHERE id = (SELECT min(id) FROM survey_responses"
                    " WHERE survey_id = :id AND status = :status)"
                ),
                {"id": survey_id, "status": ResponseStatus.SUBMITTED.value},
            )
            db.session.commit()
            counted = db.session.scalar(
                sa.select(sa.func.count(SurveyResponse.id)).where(
                    SurveyResponse.survey_id == survey_id,
                    SurveyResponse.status == ResponseStatus.SUBMITTED,
                )
            )
            db.session.remove()
            db.engine.dispose()
        after = [respondents(api_url) for _ in range(8)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    invalidated = set(before) == {N} and set(after) == {counted} and counted == N - 1
    recount_ms = median(recount)
    figures = {
        "req_per_s": round(api["req_per_s"]),
        "p99_ms": api["p99_ms"],
        "non_2xx": api["non_2xx"],
        "cpu_ms_per_request": api["cpu_ms_per_request"],
        "html_req_per_s": round(html["req_per_s"]),
        "html_cpu_ms_per_request": html["cpu_ms_per_request"],
        "html_p99_ms": html["p99_ms"],
        "recount_ms": recount_ms,
        "ratio_vs_recount": round(api["req_per_s"] / (1000 / recount_ms), 1),
        "load_average": round(os.getloadavg()[0], 1),
        "invalidated": invalidated,
    }
    print(
        f"{kind:10} API results {api['req_per_s']:,.0f} req/s, p99 {api['p99_ms']} ms, "
        f"{api['requests']:,} requests ({api['non_2xx']} non-2xx), server CPU "
        f"{api['cpu_ms_per_request']} ms a request; HTML results page "
        f"{html['req_per_s']:,.0f} req/s, p99 {html['p99_ms']} ms; counting afresh "
        f"{recount_ms} ms a call; after a plain-SQL delete the API said {sorted(set(after))} "
        f"(was {sorted(set(before))}): {'renewed' if invalidated else 'STALE'}"
    )
    return figures


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench-api needs wrk (apt-get install wrk; `make bench-api` installs it)")
    results = {kind: measure(kind, url) for kind, url in database_urls()}
    sqlite, postgres = results["sqlite"], results.get("postgresql", {})
    print(
        "gunicorn 2 workers (gthread, 4 threads), wrk 2 threads, keep-alive connections, "
        f"{N:,} responses, all on the same 2 cores; target >= 500 req/s, p99 < 100 ms (SQLite)"
    )
    print(
        json.dumps(
            {
                **sqlite,
                "n": N,
                "target_req_per_s": 500,
                "target_p99_ms": 100,
                **{f"pg_{name}": value for name, value in postgres.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
