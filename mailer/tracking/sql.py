"""Seconds between two timestamps, in SQL that SQLite and PostgreSQL both understand."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement):  # noqa: N801 (reads as the SQL function it is)
    """seconds_between(later, earlier): later minus earlier, in seconds (NULL if either is)."""

    type = sa.Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between)
def _sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"
