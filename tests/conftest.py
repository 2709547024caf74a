"""Shared fixtures: an app on a fresh database built by the migrations, clients, a fixed clock."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import g
from hypothesis import settings

# Never let the test app write a real secret under instance/.
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
# Test apps never count limits or hits in a Redis from the environment; the tests that need one
# use TEST_REDIS_URL (tools/with-redis.sh).
for _shared_store in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
    os.environ.pop(_shared_store, None)

from app import create_app  # noqa: E402
from panel.extensions import db  # noqa: E402
from tests import log_scan, route_builders  # noqa: E402
from tests.pg_reuse import ReusableDatabase  # noqa: E402

route_builders.install()

# No test is timed (speed belongs in bench/): Hypothesis's per-example deadline would fail a
# correct test on a busy machine, so it is off for the whole suite.
settings.register_profile("panel", deadline=None)
settings.load_profile("panel")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# The throwaway Redis of tools/with-redis.sh (make test starts one for both runs).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "MAIL_BACKEND": "memory",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PUBLIC_BASE_URL": "http://panel.test",
}


def _with_database(url: str, name: str) -> str:
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def build_schema(url: str, extra_config: dict | None = None) -> None:
    """Create the schema with the migrations (the only way a schema is made) and load places."""
    from flask_migrate import upgrade

    from panel.places.services import load_reference_places

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **(extra_config or {})})
    with app.app_context():
        upgrade()
        load_reference_places(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate one template database per run; each test gets a copy of it."""
    if ON_POSTGRES:
        name = f"panel_template_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        build_schema(_with_database(TEST_DATABASE_URL, name))
        yield ("postgresql", name, admin)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        build_schema(f"sqlite:///{path}")
        yield ("sqlite", path, None)


@pytest.fixture(scope="session")
def worker_database(database_template):
    """PostgreSQL only: this worker's database, reset to the template's state after each test
    (tests/pg_reuse.py says why)."""
    kind, template, admin = database_template
    if kind != "postgresql":
        yield None
        return
    database = ReusableDatabase(
        admin, template, lambda name: _with_database(TEST_DATABASE_URL, name)
    )
    yield database
    database.close()


@pytest.fixture
def database_url(database_template, worker_database, tmp_path):
    """A database in the template's state, for this test alone."""
    kind, template, _admin = database_template
    if kind == "sqlite":
        target = tmp_path / "panel.sqlite3"
        shutil.copy(template, target)
        yield f"sqlite:///{target}"
        return
    yield worker_database.url
    worker_database.reset()


@pytest.fixture
def redis_url() -> str:
    """The test Redis; without one the test fails under CI and is skipped elsewhere."""
    if not TEST_REDIS_URL:
        message = "needs Redis: run under tools/with-redis.sh (make test does)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return TEST_REDIS_URL


@pytest.fixture
def redis_key(redis_url):
    """A key prefix of this test's own in the shared test Redis, deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Override in a test module to change the configuration."""
    return {"OUTBOX_DIR": str(tmp_path / "outbox")}


@pytest.fixture
def app(database_url, app_config):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **app_config})

    def _forget_previous_request():
        # The test keeps one app context open, so `g` would carry the last request's user, nonce
        # and CSRF token (a second client would be handed the first one's token).
        for key in ("_login_user", "csp_nonce", "member", "csrf_token"):
            g.pop(key, None)

    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def server_client(app):
    """A client whose requests end their own database session before the body is read, as on
    a real server (tests/clients.py says why the ordinary client cannot show that)."""
    from tests.clients import server_like_client

    return server_like_client(app)


@pytest.fixture
def login_as(client):
    """Sign a staff user in on the test client (both factors are assumed done)."""

    def _login(user):
        from tests.factories import sign_in_test_client

        sign_in_test_client(client, user)
        return user

    return _login


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def outbox(app):
    """Run the email jobs (typed-in requests, then delivery) with the in-memory backend and
    return what it captured."""
    from mailer.jobs import deliver_queued_emails
    from panel.email_requests import handle_email_requests

    backend = app.extensions["mail_backend"]

    def _deliver():
        handle_email_requests(db.session, datetime.now(UTC))
        db.session.commit()
        deliver_queued_emails(db.session, backend, datetime.now(UTC))
        return backend.messages

    return _deliver


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Fail any test that tries to reach a real network address."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(method):
        def _connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise AssertionError(f"test tried to reach the network: {address!r}")
            return method(self, address)

        return _connect

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))


def pytest_configure(config):
    log_scan.configure(config)


#: fixtures that reach a database: a test marked no_database may use none of them.
DATABASE_FIXTURES = frozenset(
    {"database_template", "worker_database", "database_url", "app", "session"}
)


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only leave the SQLite run, and tests marked no_database (they touch
    no database, so a second run proves nothing new) leave the PostgreSQL run, as deselected,
    so a skip always means something is missing."""
    for item in items:
        uses = DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("no_database") and uses:
            raise pytest.UsageError(f"{item.nodeid} is marked no_database but uses {sorted(uses)}")
    left_out = "no_database" if ON_POSTGRES else "postgres_only"
    kept = [item for item in items if item.get_closest_marker(left_out) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_configure_node(node):
    log_scan.configure_node(node)


def pytest_sessionfinish(session, exitstatus):
    log_scan.finish(session)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    log_scan.report(terminalreporter)


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if ON_POSTGRES else 'SQLite'}"


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
