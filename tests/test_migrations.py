"""The migrations are the only way a schema is made, so they must build exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from panel.extensions import db


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_history_has_a_single_head(app):
    config = Migrate().get_config(directory=app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def test_selections_made_before_0014_are_marked_with_the_special_category_fields_they_used(app):
    import json

    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    downgrade(revision="0013_answer_codes")
    negated = {
        "type": "group",
        "op": "and",
        "negate": False,
        "items": [
            {
                "type": "group",
                "op": "or",
                "negate": True,
                "items": [
                    {"type": "condition", "field": "religion", "negate": True, "values": ["none"]}
                ],
            }
        ],
    }
    everyone = {"type": "group", "op": "and", "negate": False, "items": []}  # fmt: skip
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO segments (id, name, description, definition, created_at, updated_at)"
                " VALUES (1, 'a', '', :a, '2026-01-01', '2026-01-01'),"
                " (2, 'b', '', :b, '2026-01-01', '2026-01-01')"
            ),
            {"a": json.dumps(negated), "b": json.dumps(everyone)},
        )
        for number, (segment, features) in enumerate(
            [(1, ["sex"]), (2, ["ethnic_group", "sex"]), (2, ["age_band"])], start=1
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO fair_selections (id, segment_id, number_wanted, seed, features,"
                    " member_ids, report, created_at)"
                    " VALUES (:id, :segment, 1, 1, :features, '[]', '{}', '2026-01-01')"
                ),
                {"id": number, "segment": segment, "features": json.dumps(features)},
            )
    upgrade()
    with db.engine.connect() as connection:
        marked = connection.execute(
            sa.select(sa.column("special_category_fields", sa.JSON))
            .select_from(sa.table("fair_selections"))
            .order_by(sa.column("id"))
        ).scalars()
        assert list(marked) == [["religion"], ["ethnic_group"], []]
