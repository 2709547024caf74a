"""The production topology, started for real: two web servers (gunicorn, each in an empty folder
of its own: they share no disk), one scheduler process, one PostgreSQL database and one Redis.

Driven over HTTP like a load balancer would: a member joins on A and confirms on B; staff sign in
on A, give the second factor on B and use both; the sign-in rate limit counts across both; opens
and clicks on either server are all counted once the scheduler folds them; a bulletin, survey
invitations and reminders each reach the fake SendGrid exactly once while the scheduler keeps
running; and web server B is killed (SIGKILL) under load, with every answered hit still counted.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import redis
import requests
import sqlalchemy as sa

from mailer.tracking.models import TrackingHit
from panel.auth.models import Role
from panel.database import utcnow
from panel.job_runs import JobRun
from surveys.fieldwork import invitations
from tests.factories import STAFF_PASSWORD, make_staff
from tests.fakes.fake_sendgrid import FakeSendGrid
from tests.mailer.bulletin_helpers import make_bulletin, make_due, make_members
from tests.panel.test_joining import DETAILS, shown_place_id
from tests.surveys.fieldwork_helpers import live_survey

# Web servers that share no disk cannot share an SQLite file: the topology runs in make test's
# PostgreSQL run, and is deselected (not skipped) in the SQLite one.
pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "http://panel.test"
MEMBERS = 12
JOINER = DETAILS["email"].lower()
HAMMERS = 4  # client threads loading pixels from B when it is killed
GUNICORN_THREADS = 4
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class RecordingSendGrid(FakeSendGrid):
    """The fake SendGrid, also keeping each accepted request's text part (for emailed links)."""

    def __init__(self, **kwargs):
        self.texts: list[tuple[str, str]] = []
        super().__init__(**kwargs)

    def _process(self, authorization, body):
        reply = super()._process(authorization, body)
        if reply[0] == 202 and body:
            message = json.loads(body)
            text = next(p["value"] for p in message["content"] if p["type"] == "text/plain")
            for person in message["personalizations"]:
                self.texts.append((person["to"][0]["email"], text))
        return reply


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition, what: str, timeout: float = 30.0):
    """Poll ``condition`` until it returns something truthy (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Topology:
    """The processes, their base URLs and the shared services."""

    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path, self.env, self.processes = tmp_path, env, {}
        self.urls: dict[str, str] = {}

    def _start(self, name: str, command: list[str]) -> None:
        folder = self.tmp_path / name  # this process's own, empty folder: no shared disk
        folder.mkdir()
        env = {
            **self.env,
            "OUTBOX_DIR": str(folder / "outbox"),
            "TRACKING_SPOOL_DIR": str(folder / "spool"),
        }
        log = (folder / "log").open("w")
        self.processes[name] = subprocess.Popen(
            command, cwd=folder, env=env, stdout=log, stderr=log, start_new_session=True
        )

    def start_web(self, name: str) -> None:
        """A gunicorn web server (one gthread worker) on a loopback port of its own."""
        port = _free_port()
        self.urls[name] = f"http://127.0.0.1:{port}"
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
        options = ["--workers", "1", "--worker-class", "gthread", "--threads"]
        self._start(name, [*gunicorn, *options, str(GUNICORN_THREADS), "wsgi:app"])

    def start_scheduler(self) -> None:
        """The one scheduler process, as production runs it."""
        self._start("scheduler", [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"])

    def wait_until_serving(self) -> None:
        def up(url):
            try:
                return requests.get(f"{url}/join", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        for name, url in self.urls.items():
            _wait_for(lambda url=url: up(url), f"web server {name}", timeout=60)

    def kill(self, name: str) -> None:
        """SIGKILL the process and its workers: no clean-up of any kind."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log(self, name: str) -> str:
        return (self.tmp_path / name / "log").read_text()[-3000:]


def _seed(session) -> dict:
    """Staff, members, a due bulletin and a live survey about to need its reminders."""
    now = utcnow()
    comms = make_staff(session, Role.COMMS, email="comms.topology@example.nhs.uk")
    members = make_members(session, MEMBERS, tracking_consent=True)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    survey, author = live_survey(session, now, closes_at=now + timedelta(days=2))
    survey.reminder_days = 3  # closing in two days: the reminder is due at once
    assert invitations.invite(session, survey, author, now).invited == MEMBERS
    session.commit()
    return {
        "staff": comms,
        "emails": {member.email for member in members},
        "bulletin_id": bulletin.id,
    }


@pytest.fixture
def topology(app, session, tmp_path, redis_url):
    seeded = _seed(session)
    shared_redis = redis_url.rsplit("/", 1)[0] + "/1"  # a database of the topology's own
    redis.Redis.from_url(shared_redis).flushdb()
    fake = RecordingSendGrid()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": shared_redis,
        "SECRET_KEY": "topology-secret-shared-by-every-server",
        "MAIL_BACKEND": "sendgrid",
        "SENDGRID_API_KEY": "SG.topology",
        "SENDGRID_API_HOST": fake.url,
        "PUBLIC_BASE_URL": PUBLIC,
        "SCHEDULER_MAX_INTERVAL_SECONDS": "1",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    for unrelated in ("TEST_DATABASE_URL", "TEST_REDIS_URL", "RATELIMIT_STORAGE_URI"):
        env.pop(unrelated, None)
    running = Topology(tmp_path, env)
    try:
        running.start_web("a")
        running.start_web("b")
        running.start_scheduler()
        running.wait_until_serving()
        yield running, fake, seeded, redis.Redis.from_url(shared_redis)
    finally:
        running.stop()
        fake.stop()
        redis.Redis.from_url(shared_redis).flushdb()


def _post_form(browser, base: str, path: str, data: dict, form_base: str | None = None):
    """GET the form's page (for its CSRF token; from ``form_base`` if given, as when the load
    balancer sends the two requests to different servers), then POST it, as a browser would."""
    html = browser.get((form_base or base) + path, timeout=10).text
    token = _CSRF.search(html).group(1)
    return browser.post(
        base + path, data={**data, "csrf_token": token}, allow_redirects=False, timeout=10
    )


def _join_on(browser, base: str) -> None:
    browser.get(f"{base}/join", timeout=10)
    assert _post_form(browser, base, "/join/your-details", DETAILS).status_code == 302
    place_id = shown_place_id(browser.get(f"{base}/join/where-you-live", timeout=10).text)
    where = {"place_id": place_id, "neighbourhood_id": "0"}
    assert _post_form(browser, base, "/join/where-you-live", where).status_code == 302
    about = {"age_band": "25-34", "topics": ["gp"], "preferred_format": "easy_read"}
    assert (
        _post_form(browser, base, "/join/about-you", {**about, "language": "en"}).status_code == 302
    )
    assert _post_form(browser, base, "/join/equality", {"skip": "1"}).status_code == 302
    done = _post_form(
        browser, base, "/join/check-your-answers", {"tracking_consent": "yes", "agree": "y"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/join/check-your-email")


def _emailed_link(fake, email: str, pattern: str) -> str:
    def found():
        return [re.search(pattern, text) for to, text in fake.texts if to == email]

    return _wait_for(found, f"an email to {email}")[0].group(1)


def _failed_sign_in(base: str, number: int) -> int:
    stranger = requests.Session()
    data = {"email": f"nobody{number}@example.nhs.uk", "password": "not the password"}
    return _post_form(stranger, base, "/staff/sign-in", data).status_code


def _tracking_urls(fake, bulletin_id: int) -> list[tuple[str, str]]:
    """(pixel path, tracked link path) of each recipient, from what SendGrid was given."""
    urls = []
    for message in fake.accepted:
        if message.custom_args.get("bulletin_id") != str(bulletin_id):
            continue
        values = " ".join(message.substitutions.values())
        pixel = re.search(r"/t/o/[\w-]+\.gif", values).group(0)
        urls.append((pixel, re.search(r"/t/c/[\w-]+/\d+", values).group(0)))
    return urls


_TALLY_LOCK = threading.Lock()


def _hammer(base: str, paths: list[str], tally: Counter, stop: threading.Event) -> None:
    """Load pixels until the server stops answering; counts answered and unanswered requests."""
    client = requests.Session()
    number = 0
    while not stop.is_set():
        try:
            answered = client.get(base + paths[number % len(paths)], timeout=5).status_code == 200
        except requests.RequestException:
            with _TALLY_LOCK:
                tally["unanswered"] += 1
            return
        with _TALLY_LOCK:
            tally["answered" if answered else "refused"] += 1
        number += 1


def _stored_hits(session, bulletin_id: int) -> Counter:
    session.rollback()
    kinds = session.scalars(
        sa.select(TrackingHit.kind).where(TrackingHit.bulletin_id == bulletin_id)
    )
    return Counter(kinds)


def _job_finished_after(session, job_id: str, moment) -> bool:
    session.rollback()
    finished = session.scalar(sa.select(JobRun.last_finished_at).where(JobRun.job_id == job_id))
    return finished is not None and finished > moment


def test_two_web_servers_one_scheduler_postgresql_and_redis(topology, session):
    running, fake, seeded, shared = topology
    a, b = running.urls["a"], running.urls["b"]

    # A member joins on A and confirms, from the emailed link, on B; signed in on both.
    member = requests.Session()
    _join_on(member, a)
    link = _emailed_link(fake, JOINER, rf"{PUBLIC}(/join/confirm/\S+)")
    confirmed = _post_form(member, b, link, {})
    assert confirmed.status_code == 200 and "Welcome to the citizens' panel" in confirmed.text
    assert member.get(f"{a}/my-panel/", allow_redirects=False, timeout=10).status_code == 200

    # The silent cap on sign-in links (5 an hour to one address: panel.limits.hit_limit) counts
    # on both servers too: 3 asks on A and 3 on B send 5 links, not 6.
    for base in (a, a, a, b, b, b):
        ask = _post_form(requests.Session(), base, "/my-panel/sign-in", {"email": DETAILS["email"]})
        assert ask.status_code == 200

    # Staff: password on A, second factor on B, then pages on either; signing out on B (with
    # the form A gave: one CSRF secret) ends the session on A too.
    staff = requests.Session()
    credentials = {"email": seeded["staff"].email, "password": STAFF_PASSWORD}
    assert _post_form(staff, a, "/staff/sign-in", credentials).status_code == 302
    code = pyotp.TOTP(seeded["staff"].totp_secret).now()
    assert _post_form(staff, b, "/staff/sign-in/code", {"code": code}).status_code == 302
    for base in (a, b):
        assert staff.get(f"{base}/staff/", allow_redirects=False, timeout=10).status_code == 200

    # The sign-in limit (10 a minute from one address) counts on both: with the staff sign-in
    # above, 4 failures on A and 5 on B reach it, and the next is refused on either server.
    assert [_failed_sign_in(a, n) for n in range(4)] == [200] * 4
    assert [_failed_sign_in(b, n) for n in range(4, 9)] == [200] * 5
    assert _failed_sign_in(b, 9) == 429 and _failed_sign_in(a, 10) == 429

    assert _post_form(staff, b, "/staff/sign-out", {}, form_base=a).status_code == 302
    assert staff.get(f"{a}/staff/", allow_redirects=False, timeout=10).status_code == 302

    # The bulletin, the invitations and the reminders went out, each exactly once, and stay so
    # while the scheduler keeps running its jobs.
    emails = seeded["emails"]

    def sent():
        counts = Counter()
        for message in fake.accepted:
            if message.to_email in emails:
                kind = "bulletin" if "bulletin_id" in message.custom_args else message.subject
                counts[kind] += 1
        return counts

    def links():
        return sum(1 for to, text in fake.texts if to == JOINER and "/my-panel/link/" in text)

    _wait_for(lambda: sum(sent().values()) >= 3 * MEMBERS, "the bulletin and survey emails")
    _wait_for(lambda: links() >= 5, "the sign-in links")
    settled = utcnow()
    jobs = ("dispatch-due-bulletins", "survey-fieldwork", "handle-email-requests")
    for job in (*jobs, "deliver-queued-emails"):
        _wait_for(lambda job=job: _job_finished_after(session, job, settled), f"{job} again")
    assert sorted(sent().values()) == [MEMBERS] * 3, sent()
    assert links() == 5
    per_person = Counter(m.to_email for m in fake.accepted if m.to_email in emails)
    assert set(per_person.values()) == {3}

    # Opens and clicks: each recipient opens on A and on B and clicks on one of them.
    urls = _tracking_urls(fake, seeded["bulletin_id"])
    assert len(urls) == MEMBERS
    answered = Counter()
    for number, (pixel, click) in enumerate(urls):
        for base in (a, b):
            answered["open"] += requests.get(base + pixel, timeout=10).status_code == 200
        status = requests.get((a, b)[number % 2] + click, allow_redirects=False, timeout=10)
        answered["click"] += status.status_code == 302
    assert answered == {"open": 2 * MEMBERS, "click": MEMBERS}

    # B is killed while four clients load pixels from it; A carries on.
    tally, stop = Counter(), threading.Event()
    pixels = [pixel for pixel, _ in urls]
    hammers = [
        threading.Thread(target=_hammer, args=(b, pixels, tally, stop)) for _ in range(HAMMERS)
    ]
    for hammer in hammers:
        hammer.start()
    _wait_for(lambda: tally["answered"] >= 100, "load on B")
    running.kill("b")
    stop.set()
    for hammer in hammers:
        hammer.join()
    assert requests.get(a + pixels[0], timeout=10).status_code == 200
    answered["open"] += tally["answered"] + 1

    # Every answered hit is counted once the scheduler has folded the stream; the only hits
    # that may be counted beyond them are requests B took but never answered.
    key = "panel:tracking:hits"
    _wait_for(
        lambda: (
            shared.xlen(key) == 0
            and _stored_hits(session, seeded["bulletin_id"])["open"] >= answered["open"]
        ),
        "the fold",
    )
    stored = _stored_hits(session, seeded["bulletin_id"])
    lost = answered["open"] - stored["open"]
    extra = stored["open"] - answered["open"]
    print(
        f"topology: {tally['answered']} pixels answered by B before SIGKILL, "
        f"{tally['unanswered']} unanswered; hits lost {max(lost, 0)}, counted but unanswered "
        f"{max(extra, 0)}"
    )
    assert stored["click"] == answered["click"] == MEMBERS
    assert lost <= 0, running.log("scheduler")
    assert extra <= tally["unanswered"] <= HAMMERS
    assert tally["refused"] == 0
