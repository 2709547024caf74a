"""The PostgreSQL run reuses one database per worker (tests/pg_reuse.py): after a test's writes,
its reset leaves exactly the template's state, so no test sees another's rows, ids or schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

# ruff: noqa: S608 (the table names come from the catalogue)

pytestmark = pytest.mark.postgres_only


def _snapshot(engine) -> dict:
    with engine.connect() as connection:
        tables = connection.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        return {
            name: connection.execute(
                sa.text(
                    f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                    f'FROM "{name}" t'
                )
            ).scalar()
            for name in sorted(tables)
        }


def test_a_reset_removes_rows_restores_reference_data_and_restarts_ids(worker_database):
    engine = sa.create_engine(worker_database.url)
    before = _snapshot(engine)
    with engine.begin() as connection:
        place = connection.execute(sa.text("SELECT id, name FROM places ORDER BY id LIMIT 1")).one()
        connection.execute(
            sa.text("UPDATE places SET name = 'Changed by a test' WHERE id = :id"), {"id": place.id}
        )
        connection.execute(
            sa.text(
                "DELETE FROM postcode_districts WHERE ctid IN "
                "(SELECT ctid FROM postcode_districts LIMIT 3)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO audit_events (at, action, object_type, object_ids, detail) "
                "VALUES (now(), 'test.reset', 'test', '', 'a row the reset must remove')"
            )
        )
    # A connection the test left open must not stop the reset.
    leftover = engine.connect()
    leftover.execute(sa.text("SELECT 1"))
    worker_database.reset()
    engine.dispose()

    engine = sa.create_engine(worker_database.url)
    assert _snapshot(engine) == before
    with engine.begin() as connection:
        first_id = connection.execute(
            sa.text(
                "INSERT INTO audit_events (at, action, object_type, object_ids, detail) "
                "VALUES (now(), 'test.reset', 'test', '', 'first row') RETURNING id"
            )
        ).scalar()
    worker_database.reset()
    engine.dispose()
    assert first_id == 1


def test_a_change_to_the_schema_gives_a_fresh_copy(worker_database):
    copies = worker_database.copies
    engine = sa.create_engine(worker_database.url)
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE places ADD COLUMN left_by_a_test text"))
    engine.dispose()
    worker_database.reset()
    assert worker_database.copies == copies + 1
    engine = sa.create_engine(worker_database.url)
    with engine.connect() as connection:
        columns = (
            connection.execute(
                sa.text(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'places'"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert "left_by_a_test" not in columns
