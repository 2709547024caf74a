"""Engine settings follow the database the app really uses, not the environment it started in."""

from __future__ import annotations

from panel.database_setup import engine_options
from panel.extensions import db
from tests.conftest import ON_POSTGRES


def test_server_connections_are_pinged_at_checkout_and_sqlite_files_are_not(app):
    with app.app_context():
        assert db.engine.pool._pre_ping is ON_POSTGRES


def test_options_set_in_the_config_win():
    assert engine_options("postgresql://x/y", {"pool_pre_ping": False}) == {"pool_pre_ping": False}
    assert engine_options("sqlite:///panel.sqlite3", {"pool_size": 5}) == {
        "pool_pre_ping": False,
        "pool_size": 5,
    }
