"""Build a populated database once per test process and hand each later test a copy of it.

The security crawls each start from the same world (the demo panel, hostile text, what the demo
lacks): building it takes about ten seconds of a worker's time and some thirty tests did it, each
for itself. The first test of a worker builds it as before; the database is then copied aside
(SQLite: the file, through SQLite's backup API; PostgreSQL: a database made from it as a
template), with the mail the world wrote to the outbox. A later test's database is replaced by a
copy before it starts, so every test still gets a world of its own that no other test touched.

A copy is only handed out while it is young (``MAX_AGE``): the world is built around the clock
of its first test ("opens tomorrow", "sent an hour ago"), and a copy much older would show pages
in states the crawl was not written for.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from panel.extensions import db

MAX_AGE = 20 * 60  # seconds

_HOLDING = Path(tempfile.mkdtemp(prefix="panel-worlds-"))


@dataclass
class _Snapshot:
    taken: float
    copy: str  # SQLite: a file path; PostgreSQL: a database name
    outbox: Path | None
    made: tuple[type, object]  # the model and id of what ``build`` returned


_SNAPSHOTS: dict[tuple, _Snapshot] = {}
_ADMIN: dict[str, sa.Engine] = {}


def _url(app: Flask) -> sa.engine.URL:
    return sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])


def _let_go() -> None:
    """Close every connection of the app, so the database can be copied or replaced."""
    db.session.remove()
    db.engine.dispose()


def _admin(url: sa.engine.URL) -> sa.Engine:
    key = url.set(database="postgres").render_as_string(hide_password=False)
    if key not in _ADMIN:
        _ADMIN[key] = sa.create_engine(key, isolation_level="AUTOCOMMIT")
    return _ADMIN[key]


def _terminate(connection, name: str) -> None:
    connection.execute(
        sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"
        ),
        {"name": name},
    )


def _copy_database(url: sa.engine.URL, source: str, target: str, *, replace: bool) -> None:
    with _admin(url).connect() as connection:
        _terminate(connection, source)
        if replace:
            _terminate(connection, target)
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))


def _take(app: Flask, made: tuple[type, object]) -> _Snapshot:
    _let_go()
    url = _url(app)
    if url.get_backend_name() == "sqlite":
        copy = str(_HOLDING / f"{uuid.uuid4().hex}.sqlite3")
        source, target = sqlite3.connect(url.database), sqlite3.connect(copy)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        copy = f"panel_world_{uuid.uuid4().hex[:10]}"
        _copy_database(url, url.database, copy, replace=False)
        atexit.register(_drop_copy, url, copy)
    outbox = None
    if app.config.get("MAIL_BACKEND") == "outbox" and Path(app.config["OUTBOX_DIR"]).is_dir():
        outbox = _HOLDING / f"outbox-{uuid.uuid4().hex}"
        shutil.copytree(app.config["OUTBOX_DIR"], outbox)
    return _Snapshot(time.monotonic(), copy, outbox, made)


def _restore(app: Flask, snapshot: _Snapshot) -> None:
    _let_go()
    url = _url(app)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(snapshot.copy, path)
    else:
        _copy_database(url, snapshot.copy, url.database, replace=True)
    if snapshot.outbox is not None:
        shutil.copytree(snapshot.outbox, app.config["OUTBOX_DIR"], dirs_exist_ok=True)


def _drop_copy(url: sa.engine.URL, name: str) -> None:
    try:
        with _admin(url).connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.SQLAlchemyError:
        pass  # the throwaway server may already be gone; it takes its databases with it


def built_once(app: Flask, session: Session, key: tuple, build: Callable[[], object]) -> object:
    """``build()`` on this test's fresh database, or a copy of what it built earlier in this
    process under ``key``. ``build`` returns a mapped object whose id is kept: the same object
    is loaded again from the copy."""
    full_key = (*key, app.config.get("MAIL_BACKEND"), _url(app).get_backend_name())
    snapshot = _SNAPSHOTS.get(full_key)
    if snapshot is not None and time.monotonic() - snapshot.taken < MAX_AGE:
        _restore(app, snapshot)
        return session.get(*snapshot.made)
    made = build()
    session.commit()
    model, made_id = type(made), made.id
    _SNAPSHOTS[full_key] = _take(app, (model, made_id))
    return session.get(model, made_id)
