"""Shared benchmark plumbing: a migrated database of a chosen kind, timing and reporting."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key")

from app import create_app  # noqa: E402
from panel.extensions import db  # noqa: E402

BASE_CONFIG = {
    "TESTING": True,
    "MAIL_BACKEND": "memory",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SECRET_KEY": "benchmark-secret-key",
}


def database_urls() -> list[tuple[str, str]]:
    """SQLite always; PostgreSQL too when tools/with-postgres.sh provides one."""
    urls = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.sqlite3")]
    server = os.environ.get("TEST_DATABASE_URL", "")
    if server.startswith("postgresql"):
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        urls.append(
            (
                "postgresql",
                sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False),
            )
        )
    return urls


def make_app(url: str, **overrides):
    """An app on a freshly migrated database with the reference places loaded."""
    from flask_migrate import upgrade

    from panel.places.services import load_reference_places

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        upgrade()
        load_reference_places(db.session)
        db.session.commit()
    return app


def timed(function, repeat: int) -> list[float]:
    """Milliseconds for each of ``repeat`` calls (after one warm-up call)."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return round(statistics.median(samples), 2)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2)
