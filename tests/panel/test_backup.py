"""Backups that restore: `flask backup` then `flask restore` into an empty database gives every
table back row for row, the evidence packs' SHA-256 digests still verify, and a tampered
backup, a wrong kind of database or a database with tables is refused with a clear message."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from panel.backup import MANIFEST_SUFFIX, prune_backups
from panel.extensions import db
from surveys.results.evidence import evidence_files, manifest
from tests.conftest import BASE_CONFIG, ON_POSTGRES, TEST_DATABASE_URL, _with_database
from tests.surveys.results_helpers import closed_survey


@pytest.fixture
def empty_database(tmp_path):
    """A database with nothing in it, of the kind the suite runs on."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"panel_restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    yield _with_database(TEST_DATABASE_URL, name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: [
                    tuple(row)
                    for row in connection.execute(
                        sa.select(table).order_by(*(table.primary_key.columns or table.columns))
                    )
                ]
                for name, table in sorted(metadata.tables.items())
            }
    finally:
        engine.dispose()


def _without(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    return {key: body for key, body in files.items() if key != name}


def _restore_app(url):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})


def test_a_backup_restores_every_row_and_the_evidence_still_verifies(
    app, session, now, tmp_path, empty_database, database_url
):
    survey, _author = closed_survey(session, now)
    session.commit()
    with app.test_request_context():  # the pack's PDF report is rendered from templates
        before = evidence_files(session, survey, now)
    db.session.remove()

    made = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    [backup] = [p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".json")]
    recorded = json.loads((tmp_path / "backups" / f"{backup.name}{MANIFEST_SUFFIX}").read_text())
    assert recorded["tables"]["survey_snapshots"] >= 1 and recorded["revision"]

    restorer = _restore_app(empty_database)
    with restorer.app_context():
        result = restorer.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert "counts match" in result.output
        assert _rows(empty_database) == _rows(database_url)
        with restorer.test_request_context():
            after = evidence_files(db.session, db.session.get(type(survey), survey.id), now)
        hashes = json.loads(after["survey-snapshot-hashes.json"])
        assert hashes and all(entry["matches"] for entry in hashes)
        # Every file of the pack is byte for byte the same, so its SHA-256 manifest verifies
        # (the PDF is drawn again, with its own creation time, so it is compared as text).
        pdf = "engagement-report.pdf"
        assert _without(after, pdf) == _without(before, pdf)
        assert manifest(_without(after, pdf)) == manifest(_without(before, pdf))

        again = restorer.test_cli_runner().invoke(args=["restore", str(backup)])
        assert again.exit_code != 0 and "already has tables" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_tampered_or_unpaired_backup_is_refused(app, tmp_path, empty_database):
    app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    [backup] = [
        p for p in tmp_path.iterdir() if p.name.startswith("panel-") and "json" not in p.name
    ]
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    restorer = _restore_app(empty_database)
    with restorer.app_context():
        tampered = restorer.test_cli_runner().invoke(args=["restore", str(backup)])
        assert tampered.exit_code != 0 and "does not match its manifest" in tampered.output
        missing = restorer.test_cli_runner().invoke(args=["restore", str(tmp_path / "nope")])
        assert missing.exit_code != 0 and "must both be there" in missing.output
        db.engine.dispose()


def test_keeping_the_newest_backups_removes_the_rest_with_their_manifests(tmp_path, now):
    for day in range(5):
        stamp = (now - timedelta(days=day)).strftime("%Y%m%dT%H%M%SZ")
        (tmp_path / f"panel-{stamp}.dump").write_bytes(b"x")
        (tmp_path / f"panel-{stamp}.dump{MANIFEST_SUFFIX}").write_text("{}")
    removed = prune_backups(tmp_path, keep=2)
    assert len(removed) == 3
    left = sorted(p.name for p in tmp_path.iterdir())
    newest = now.strftime("%Y%m%d")
    assert len(left) == 4 and left[-1].startswith(f"panel-{newest}")
