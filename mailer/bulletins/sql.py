"""SQL pieces the bulletin queries need on both databases: the suppression hash of an address."""

from __future__ import annotations

import hashlib
import sqlite3

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class email_sha256(FunctionElement):  # noqa: N801 (reads as the SQL function it is)
    """sha256 hex of the lower-cased, trimmed address: mailer.suppression.email_hash in SQL,
    so the recipient list can leave out suppressed addresses with one INSERT ... SELECT."""

    type = sa.String()
    inherit_cache = True


@compiles(email_sha256, "postgresql")
def _postgresql(element, compiler, **kw):
    (argument,) = element.clauses
    value = compiler.process(argument, **kw)
    return f"encode(sha256(convert_to(lower(trim({value})), 'UTF8')), 'hex')"


@compiles(email_sha256)
def _sqlite(element, compiler, **kw):
    (argument,) = element.clauses
    return f"panel_sha256(lower(trim({compiler.process(argument, **kw)})))"


def _sha256(value):
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_sqlite_functions(dbapi_connection, connection_record) -> None:
    # SQLite has no sha256: every new connection gets ours (a no-op for PostgreSQL).
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("panel_sha256", 1, _sha256, deterministic=True)
