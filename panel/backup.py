"""Backups that restore: one file per backup with a manifest beside it.

PostgreSQL is dumped with pg_dump's custom format and restored with pg_restore; SQLite is
copied with its online backup API, which is consistent while the panel keeps running. The
manifest records the file's SHA-256, the schema revision and every table's row count; a
restore checks the digest before it starts and the row counts after it ends, and refuses to
write over a database that already has tables unless told to replace them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from panel.field_errors import FieldError

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(FieldError):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class Backup:
    """A backup file and what its manifest says."""

    path: Path
    manifest: dict


def _kind(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        return "postgresql"
    raise BackupError(f"Backups are made for SQLite and PostgreSQL, not {url.get_backend_name()}")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PGBIN, the newest server install, or the PATH."""
    candidates = []
    if os.environ.get("PGBIN"):
        candidates.append(Path(os.environ["PGBIN"]) / name)
    installs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    candidates += [install / name for install in reversed(installs)]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return found


def _libpq(url: URL) -> tuple[str, dict]:
    """A connection string for the PostgreSQL tools, with the password in the environment
    rather than on a command line anyone on the machine can read."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def table_counts(engine: sa.Engine) -> dict[str, int]:
    """Rows in every table of the database, by name."""
    names = sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {
            name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            for name in sorted(names)
        }


def _revision(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        try:
            return connection.scalar(sa.text("SELECT version_num FROM alembic_version")) or ""
        except sa.exc.SQLAlchemyError:
            return ""


def _tail(error: subprocess.CalledProcessError) -> str:
    return error.stderr.decode(errors="replace")[-500:]


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_backup(database_url: str, directory: Path, now: datetime) -> Backup:
    """Back up the database into ``directory``; returns the file and its manifest."""
    url = make_url(database_url)
    kind = _kind(url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    engine = sa.create_engine(url)
    try:
        counts = table_counts(engine)
        revision = _revision(engine)
        if kind == "sqlite":
            path = directory / f"panel-{stamp}.sqlite3"
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(path)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            path = directory / f"panel-{stamp}.dump"
            dsn, env = _libpq(url)
            subprocess.run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", dsn],
                env=env,
                check=True,
                capture_output=True,
            )
    except subprocess.CalledProcessError as error:
        raise BackupError(
            f"pg_dump failed: {error.stderr.decode(errors='replace')[-500:]}"
        ) from None
    finally:
        engine.dispose()
    manifest = {
        "created_at": now.isoformat(),
        "database": kind,
        "file": path.name,
        "sha256": sha256_of(path),
        "revision": revision,
        "tables": counts,
    }
    Path(f"{path}{MANIFEST_SUFFIX}").write_text(json.dumps(manifest, indent=2) + "\n")
    return Backup(path, manifest)


def read_backup(path: Path) -> Backup:
    """A backup file and its manifest, after checking the file is the one the manifest names."""
    manifest_path = Path(f"{path}{MANIFEST_SUFFIX}")
    if not path.is_file() or not manifest_path.is_file():
        raise BackupError(f"{path} and its manifest {manifest_path.name} must both be there")
    manifest = json.loads(manifest_path.read_text())
    if sha256_of(path) != manifest.get("sha256"):
        raise BackupError(f"{path.name} does not match its manifest's SHA-256: do not restore it")
    return Backup(path, manifest)


def restore_backup(backup: Backup, database_url: str, replace: bool = False) -> dict[str, int]:
    """Restore ``backup`` into the database; returns the restored row counts, which must equal
    the manifest's. Refuses a database with tables unless ``replace``."""
    url = make_url(database_url)
    kind = _kind(url)
    if kind != backup.manifest["database"]:
        raise BackupError(f"This is a {backup.manifest['database']} backup, not {kind}")
    engine = sa.create_engine(url)
    try:
        if sa.inspect(engine).get_table_names() and not replace:
            raise BackupError("The database already has tables: restore into an empty one")
        engine.dispose()
        if kind == "sqlite":
            source = sqlite3.connect(backup.path)
            target = sqlite3.connect(_sqlite_path(url))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            dsn, env = _libpq(url)
            command = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
            if replace:
                command += ["--clean", "--if-exists"]
            subprocess.run(
                [*command, f"--dbname={dsn}", str(backup.path)],
                env=env,
                check=True,
                capture_output=True,
            )
        counts = table_counts(engine)
    except subprocess.CalledProcessError as error:
        raise BackupError(f"pg_restore failed: {_tail(error)}") from None
    finally:
        engine.dispose()
    if counts != backup.manifest["tables"]:
        raise BackupError("The restored row counts differ from the manifest's: check the restore")
    return counts


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest backups (and their manifests) in ``directory``."""
    manifests = sorted(directory.glob(f"panel-*{MANIFEST_SUFFIX}"), reverse=True)
    removed = []
    for manifest_path in manifests[keep:]:
        backup = Path(str(manifest_path)[: -len(MANIFEST_SUFFIX)])
        backup.unlink(missing_ok=True)
        manifest_path.unlink()
        removed.append(backup)
    return removed
