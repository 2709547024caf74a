"""One PostgreSQL database per test worker, put back as the template left it after each test.

Copying the migrated template for every test (CREATE DATABASE … TEMPLATE, then DROP) cost about
0.4 s of PostgreSQL's CPU per test, a third of all the CPU a `make test` run had. A test writes to
a handful of tables, so after it the worker's database is compared with the template's state and
only what changed is put back: tables whose row count changed are emptied, tables the template
filled (places, postcode districts, the migration revision) are restored if their checksum
changed, and sequences are set back. Any change to the schema itself (the migration tests
downgrade and upgrade) makes a fresh copy, so a test can never see another test's schema.
"""

# Table and sequence names in the SQL below come from PostgreSQL's own catalogue, not from input.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

# Every object of the schema, by identity: any DDL changes an oid or an attribute count.
_SCHEMA_FINGERPRINT = sa.text(
    """
    SELECT md5(coalesce((
        SELECT string_agg(c.oid::text || ':' || c.relnatts, ',' ORDER BY c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    ), '') || coalesce((
        SELECT string_agg(t.oid::text, ',' ORDER BY t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    ), '') || coalesce((
        SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
    ), ''))
    """
)


@dataclass(frozen=True)
class _State:
    fingerprint: str
    counts: dict[str, int]
    checksums: dict[str, str]
    sequences: dict[str, tuple[int, bool]]


class ReusableDatabase:
    """A worker's own copy of the template, reset between tests."""

    def __init__(self, admin: sa.Engine, template: str, url_for_name):
        self.admin = admin
        self.template = template
        self.url_for_name = url_for_name
        self.name = ""
        self.resets = self.copies = 0
        self._copy_template()

    @property
    def url(self) -> str:
        return self.url_for_name(self.name)

    def _copy_template(self) -> None:
        if self.name:
            self._drop()
        self.name = f"panel_worker_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"'))
        self.engine = sa.create_engine(self.url, poolclass=NullPool)
        with self.engine.connect() as connection:
            self.tables = list(
                connection.execute(
                    sa.text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "ORDER BY tablename"
                    )
                ).scalars()
            )
            self.sequence_names = list(
                connection.execute(
                    sa.text(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' "
                        "ORDER BY sequencename"
                    )
                ).scalars()
            )
            counts = self._counts(connection)
            self.filled = [name for name in self.tables if counts[name]]
            # Kept as JSON text, so every column type comes back exactly as it was.
            self.baseline_rows = {
                name: connection.execute(
                    sa.text(f"SELECT coalesce(json_agg(t)::text, '[]') FROM \"{name}\" t")
                ).scalar()
                for name in self.filled
            }
            self.baseline = self._state(connection)
        self.copies += 1

    def _drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def _counts(self, connection) -> dict[str, int]:
        query = " UNION ALL ".join(
            f"SELECT '{name}', count(*) FROM \"{name}\"" for name in self.tables
        )
        return dict(connection.execute(sa.text(query)).all()) if query else {}

    def _state(self, connection) -> _State:
        checksums = {
            name: connection.execute(
                sa.text(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{name}\" t")
            ).scalar()
            for name in self.filled
        }
        query = " UNION ALL ".join(
            f"SELECT '{name}', last_value, is_called FROM \"{name}\""
            for name in self.sequence_names
        )
        sequences = (
            {name: (value, called) for name, value, called in connection.execute(sa.text(query))}
            if query
            else {}
        )
        return _State(
            fingerprint=connection.execute(_SCHEMA_FINGERPRINT).scalar(),
            counts=self._counts(connection),
            checksums=checksums,
            sequences=sequences,
        )

    def reset(self) -> None:
        """Put the database back as the template left it (or copy the template afresh)."""
        with self.admin.connect() as connection:
            # Connections a test left open (other apps, server threads, killed child processes)
            # would hold locks or see the reset half done.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            )
        with self.engine.begin() as connection:
            if connection.execute(_SCHEMA_FINGERPRINT).scalar() != self.baseline.fingerprint:
                changed_schema = True
            else:
                changed_schema = False
                self._restore(connection)
        if changed_schema:
            self._copy_template()
        self.resets += 1

    def _restore(self, connection) -> None:
        now = self._state(connection)
        dirty = [
            name
            for name in self.tables
            if now.counts[name] != self.baseline.counts[name]
            or now.checksums.get(name) != self.baseline.checksums.get(name)
        ]
        if dirty:
            # Foreign keys are triggers: off for this transaction, so tables empty in any order.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for name in dirty:
                connection.execute(sa.text(f'DELETE FROM "{name}"'))
            for name in dirty:
                if name in self.baseline_rows:
                    connection.execute(
                        sa.text(
                            f'INSERT INTO "{name}" SELECT * FROM json_populate_recordset('
                            f'CAST(NULL AS "{name}"), CAST(:rows AS json))'
                        ),
                        {"rows": self.baseline_rows[name]},
                    )
        for name, (value, called) in self.baseline.sequences.items():
            if now.sequences[name] != (value, called):
                connection.execute(
                    sa.text("SELECT setval(:name, :value, :called)"),
                    {"name": f'"{name}"', "value": value, "called": called},
                )

    def close(self) -> None:
        self._drop()
