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
    everyone = {"type": "group", "op": "and", "negate": False, "items": []}
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


def test_postcode_districts_stored_before_0015_gain_the_places_they_cover(app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    def flags(connection, code):
        return connection.execute(
            sa.text("SELECT in_icb, straddles FROM postcode_districts WHERE outward_code = :c"),
            {"c": code},
        ).one()

    downgrade(revision="0014_disclosure_rule")
    with db.engine.begin() as connection:
        # Going down keeps what the flags meant: BB1 shared, PR8 partly in, LA18 outside.
        assert tuple(flags(connection, "BB1")) == (True, True)
        assert tuple(flags(connection, "PR8")) == (True, True)
        assert tuple(flags(connection, "LA18")) == (False, False)
        assert tuple(flags(connection, "LA14")) == (True, False)
        place_id = dict(connection.execute(sa.text("SELECT code, id FROM places")).all())
        # Staff edits made under the old flags: FY7 marked outside while still naming a place,
        # FY5 pointed at Blackpool.
        connection.execute(
            sa.text("UPDATE postcode_districts SET in_icb = :no WHERE outward_code = 'FY7'"),
            {"no": False},
        )
        connection.execute(
            sa.text("UPDATE postcode_districts SET place_id = :p WHERE outward_code = 'FY5'"),
            {"p": place_id["blackpool"]},
        )
    upgrade()
    with db.engine.connect() as connection:
        covered = {}
        for code, place in connection.execute(
            sa.text(
                "SELECT d.outward_code, p.code FROM postcode_district_places d"
                " JOIN places p ON p.id = d.place_id"
            )
        ):
            covered.setdefault(code, set()).add(place)
        rows = {
            code: (main, bool(outside))
            for code, main, outside in connection.execute(
                sa.text("SELECT outward_code, place_id, reaches_outside FROM postcode_districts")
            )
        }
    assert covered["BB1"] == {"blackburn-with-darwen", "lancashire"}
    assert covered["PR8"] == {"lancashire"} and rows["PR8"] == (None, True)
    assert covered["FY5"] == {"blackpool", "lancashire"}
    assert rows["FY5"] == (place_id["blackpool"], False)  # the staff correction is kept
    assert "FY7" not in covered and rows["FY7"] == (None, True)
    assert "LA18" not in covered and rows["LA18"] == (None, True)
    assert covered["LA14"] == {"south-cumbria"}
    assert rows["LA14"] == (place_id["south-cumbria"], False)


def test_0020_keeps_every_invitation_pause_and_pauses_no_bulletin(app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    downgrade(revision="0019_job_runs")
    paused = "2030-01-01 00:00:00.000000"
    with db.engine.begin() as connection:
        for email, until, format_, language in (
            ("paused@example.com", paused, "easy_read", "pl"),
            ("free@example.com", None, "standard", "en"),
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO members (email, topics, preferred_format, language, status,"
                    " consent_basis, tracking_consent, created_at, paused_until, session_token)"
                    " VALUES (:email, '[]', :format, :language, 'active', 'signup', :no,"
                    " '2026-01-01 00:00:00.000000', :until, :email)"
                ),
                {
                    "email": email,
                    "format": format_,
                    "language": language,
                    "until": until,
                    "no": False,
                },
            )
    upgrade()
    with db.engine.connect() as connection:
        rows = {
            email: (until is not None, bulletin, format_, language)
            for email, until, bulletin, format_, language in connection.execute(
                sa.text(
                    "SELECT email, paused_until, bulletin_paused_until, preferred_format,"
                    " language FROM members"
                )
            )
        }
    # The invitations pause is kept as it was; nobody's bulletin is paused by the migration;
    # the format and language members gave are kept.
    assert rows == {
        "paused@example.com": (True, None, "easy_read", "pl"),
        "free@example.com": (False, None, "standard", "en"),
    }
