"""Bulletin sending: 100,000 recipients handed to the fake SendGrid server (its own process) in
batches of 1,000, end to end (ledger, rendering once, personalisation, HTTP, ledger updates).

Each send runs in a child process so its peak memory (VmHWM) is its own; it is measured at
20,000 and at N recipients to show it stays flat. The main figures are for a bulletin built from
blocks (with an image and a survey block carrying personal links); the Markdown bulletin is sent
to the same members in the same run for comparison. A naive sender (render and send one request
per recipient) is timed on a smaller sample in the same run. Prints figures, then one JSON line:
n, msgs_per_s (blocks), markdown_msgs_per_s, peak_mb, peak_mb_20k, naive_msgs_per_s,
ratio_vs_naive, postgres_msgs_per_s, postgres_markdown_msgs_per_s.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from common import database_urls, make_app

from panel.extensions import db

N = int(os.environ.get("BENCH_RECIPIENTS", "100000"))
SMALL = int(os.environ.get("BENCH_SMALL", "20000"))
NAIVE = int(os.environ.get("BENCH_NAIVE", "2000"))
ROOT = Path(__file__).resolve().parent.parent


def _config(fake_url: str) -> dict:
    return {
        "MAIL_BACKEND": "sendgrid",
        "SENDGRID_API_KEY": "SG.bench",
        "SENDGRID_API_HOST": fake_url,
        "PUBLIC_BASE_URL": "https://panel.example.nhs.uk",
    }


def populate(n: int) -> None:
    from panel.members.models import Member
    from panel.places.models import Place

    rng = random.Random(8)
    place_ids = list(db.session.scalars(sa.select(Place.id)))
    now = datetime.now(UTC)
    rows = []
    for i in range(n):
        rows.append(
            {
                "email": f"member{i}@bench.example",
                "first_name": f"First{i % 977}",
                "last_name": "Bench",
                "postcode": "FY1 1AA",
                "place_id": rng.choice(place_ids),
                "topics": [],
                "preferred_format": "standard",
                "language": "en",
                "status": "active",
                "consent_basis": "signup",
                "tracking_consent": i % 2 == 0,  # half get the pixel and tracked links
                "created_at": now,
                "joined_at": now,
                "session_token": f"t{i}",
            }
        )
        if len(rows) == 10_000:
            db.session.execute(sa.insert(Member), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(Member), rows)
    db.session.commit()


def make_bulletin() -> int:
    from mailer.bulletins.models import ItemKind
    from mailer.bulletins.services import compose
    from mailer.bulletins.services.schedule import schedule_bulletin
    from panel.auth.models import Role, StaffUser
    from surveys.models import Survey, SurveyStatus

    now = datetime.now(UTC)
    user = StaffUser(email=f"bench{time.time_ns()}@example.nhs.uk", name="Bench", role=Role.COMMS)
    db.session.add(user)
    db.session.flush()
    bulletin = compose.create_bulletin(db.session, user, "Panel news", None, now)
    compose.update_bulletin(bulletin, "Panel news", "Hello and **welcome**.\n\n" * 20, now)
    for kind in (ItemKind.NEWS, ItemKind.RESULT, ItemKind.EVENT):
        compose.save_item(
            db.session,
            user,
            bulletin,
            None,
            kind=kind,
            title=f"A {kind} story",
            body="Some *text* with [a useful link](https://example.nhs.uk).\n" * 8,
            link_url="",
            link_text="",
            survey_id=None,
        )
    survey = Survey(title="Maternity survey", status=SurveyStatus.APPROVED, content={"pages": []})
    db.session.add(survey)
    db.session.flush()
    compose.save_item(
        db.session,
        user,
        bulletin,
        None,
        kind=ItemKind.SURVEY,
        title="Maternity survey",
        body="Ten minutes.",
        link_url="https://panel.example.nhs.uk/s/{token}",
        link_text="Take the maternity survey",
        survey_id=survey.id,
    )
    schedule_bulletin(db.session, bulletin, user, now - timedelta(seconds=1), now)
    db.session.commit()
    return bulletin.id


def make_block_bulletin() -> int:
    """The same news as make_bulletin, built from blocks: heading, text with links, an image, a
    button, an event, and a survey block whose button carries each recipient's own link."""
    from mailer.bulletins.block_models import BlockKind
    from mailer.bulletins.services import blocks as block_service
    from mailer.bulletins.services import compose, images
    from mailer.bulletins.services.schedule import schedule_bulletin
    from panel.auth.models import Role, StaffUser
    from surveys.models import Survey, SurveyStatus

    now = datetime.now(UTC)
    user = StaffUser(email=f"bench{time.time_ns()}@example.nhs.uk", name="Bench", role=Role.COMMS)
    db.session.add(user)
    db.session.flush()
    bulletin = compose.create_bulletin(db.session, user, "Panel news", None, now)
    survey = Survey(title="Maternity survey", status=SurveyStatus.LIVE, content={"pages": []})
    db.session.add(survey)
    db.session.flush()
    image = images.store_image(db.session, images.solid_png(1600, 900, (0, 94, 184)))
    blocks = [
        (BlockKind.HEADING, {"text": "Panel news"}),
        (BlockKind.TEXT, {"body": "Hello and **welcome**.\n\n" * 20}),
        (BlockKind.IMAGE, {"alt": "The new urgent care centre", "caption": "Opening soon"}),
    ]
    for kind in ("news", "result", "event"):
        blocks += [
            (BlockKind.HEADING, {"text": f"A {kind} story"}),
            (
                BlockKind.TEXT,
                {"body": "Some *text* with [a useful link](https://example.nhs.uk).\n" * 8},
            ),
        ]
    blocks += [
        (BlockKind.BUTTON, {"label": "Read the plan", "url": "https://example.nhs.uk/plan"}),
        (
            BlockKind.EVENT,
            {
                "title": "Open day",
                "when": "12 January, 2pm",
                "where": "Preston",
                "url": "https://example.nhs.uk/open-day",
            },
        ),
        (
            BlockKind.SURVEY,
            {
                "survey_id": str(survey.id),
                "body": "Ten minutes.",
                "label": "Take the maternity survey",
            },
        ),
    ]
    for kind, values in blocks:
        block_service.save_block(
            db.session,
            user,
            bulletin,
            None,
            kind,
            values,
            image if kind is BlockKind.IMAGE else None,
        )
    schedule_bulletin(db.session, bulletin, user, now - timedelta(seconds=1), now)
    db.session.commit()
    return bulletin.id


def _peak_mb() -> float:
    """This process's own peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    across exec, so a child would report the parent's size at fork (100,000 members built)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(db_url: str, fake_url: str, bulletin_id: int) -> None:
    """Claim and send one bulletin; print seconds and peak memory as JSON."""
    app = make_app(db_url, **_config(fake_url))
    from mailer.bulletins.services import send

    with app.app_context():
        start_usage = resource.getrusage(resource.RUSAGE_SELF)
        start_rss = _peak_mb()
        start_cpu = start_usage.ru_utime + start_usage.ru_stime
        start = time.perf_counter()
        now = datetime.now(UTC)
        worker = send.new_worker_name()
        assert send.claim_bulletin(db.session, bulletin_id, worker, now)
        report = send.run_send(db.session, bulletin_id, send.bulletin_sender(), worker)
        seconds = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak = _peak_mb()
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    # the sender's own CPU time: on a shared machine, steadier than the clock
                    "cpu_seconds": usage.ru_utime + usage.ru_stime - start_cpu,
                    "accepted": report.accepted,
                    "peak_mb": peak,
                    "growth_mb": peak - start_rss,
                }
            )
        )


def naive(db_url: str, fake_url: str, count: int) -> float:
    """One render and one request per recipient (what batching replaces): messages a second."""
    from mailer.backends import MailMessage, SendGridBackend
    from mailer.bulletins import rendering
    from mailer.bulletins.models import Bulletin
    from panel.members.models import Member
    from panel.members.services.links import unsubscribe_url

    bulletin = db.session.scalars(sa.select(Bulletin).limit(1)).one()
    members = db.session.scalars(sa.select(Member).limit(count)).all()
    backend = SendGridBackend("SG.bench", fake_url)
    start = time.perf_counter()
    for member in members:
        rendered = rendering.render_for_person(bulletin, member.first_name, member.id)
        url = unsubscribe_url(member)
        backend.send(
            MailMessage(
                member.email,
                rendered.subject,
                rendered.text_body,
                rendered.html_body,
                "panel@example.org",
                "Panel",
                {
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                {"bulletin_id": str(bulletin.id)},
            )
        )
    return count / (time.perf_counter() - start)


def start_fake() -> tuple[subprocess.Popen, str]:
    ready = Path(tempfile.mkdtemp()) / "ready"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.fake_sendgrid",
            "--port",
            "0",
            "--ready-file",
            str(ready),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    while not ready.exists():
        time.sleep(0.05)
    return process, ready.read_text().strip()


def _send_one(kind: str, label: str, url: str, fake_url: str, n: int, build) -> dict:
    app = make_app(url, **_config(fake_url))
    with app.app_context():
        bulletin_id = build()
        db.engine.dispose()
    result = subprocess.run(
        [sys.executable, __file__, "--child", url, fake_url, str(bulletin_id)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["msgs_per_s"] = figures["accepted"] / figures["seconds"]
    assert figures["accepted"] == n, figures
    print(
        f"{kind:10} {label:8} n={n:>7,}  {figures['seconds']:.1f}s  "
        f"{figures['msgs_per_s']:,.0f} msgs/s  "
        f"({figures['accepted'] / figures['cpu_seconds']:,.0f} per sender CPU second)  "
        f"peak {figures['peak_mb']:.0f} MB (growth {figures['growth_mb']:.0f} MB)"
    )
    return figures


def measure(kind: str, url: str, fake_url: str, n: int) -> dict:
    """The bulletin built from blocks and, on the same members in the same run, the Markdown one
    (the comparison); the blocks figures are the main ones."""
    app = make_app(url, **_config(fake_url))
    with app.app_context():
        populate(n)
        db.engine.dispose()
    figures = _send_one(kind, "blocks", url, fake_url, n, make_block_bulletin)
    figures["markdown"] = _send_one(kind, "markdown", url, fake_url, n, make_bulletin)
    with app.app_context():
        figures["naive"] = naive(url, fake_url, NAIVE) if kind == "sqlite" and n == N else None
        db.engine.dispose()
    return figures


def main() -> None:
    fake, fake_url = start_fake()
    results = {}
    try:
        for kind, url in database_urls():
            if kind == "sqlite":
                small_url = url.replace("bench.sqlite3", "bench-small.sqlite3")
                results["sqlite_small"] = measure(kind, small_url, fake_url, SMALL)
            results[kind] = measure(kind, url, fake_url, N)
    finally:
        fake.send_signal(signal.SIGTERM)
        fake.wait(10)
    main_figures = results["sqlite"]
    naive_rate = main_figures["naive"]
    print(f"naive one-request-per-recipient sender: {naive_rate:,.0f} msgs/s on {NAIVE:,}")
    print("note: the fake SendGrid server runs in its own process on the same 2 cores")
    print(
        json.dumps(
            {
                "n": N,
                "msgs_per_s": round(main_figures["msgs_per_s"]),
                "markdown_msgs_per_s": round(main_figures["markdown"]["msgs_per_s"]),
                "peak_mb": round(main_figures["peak_mb"], 1),
                "peak_mb_20k": round(results["sqlite_small"]["peak_mb"], 1),
                "naive_msgs_per_s": round(naive_rate),
                "ratio_vs_naive": round(main_figures["msgs_per_s"] / naive_rate, 1),
                "postgres_msgs_per_s": round(results["postgresql"]["msgs_per_s"])
                if "postgresql" in results
                else None,
                "postgres_peak_mb": round(results["postgresql"]["peak_mb"], 1)
                if "postgresql" in results
                else None,
                "postgres_markdown_msgs_per_s": round(
                    results["postgresql"]["markdown"]["msgs_per_s"]
                )
                if "postgresql" in results
                else None,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
