"""Engine settings per database: server connections are pinged at checkout; SQLite gets WAL,
foreign keys and a busy timeout."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def engine_options(database_uri: str, configured: dict) -> dict:
    """The engine options for this database, with any set in the config winning."""
    # A server connection can drop between requests, so each checkout is pinged first; an
    # SQLite file cannot, and the ping would cost every transaction a query.
    return {"pool_pre_ping": not database_uri.startswith("sqlite"), **configured}


def configure_engine(engine: Engine) -> None:
    """SQLite's pragmas (WAL, foreign keys, busy timeout) on each connection; others need none."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers carry on while one writer commits; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
