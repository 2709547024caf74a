"""The hit spool: each web process appends one line per tracking hit to a file of its own, and a
scheduler job folds the files into the database in bulk.

Why: a tracking pixel can arrive tens of thousands of times a minute, and a database write per
request would queue every request on SQLite's single write lock. An append of one short line
to a file opened with O_APPEND is atomic and survives the process being killed; the fold keeps,
per file, how many bytes are already in the database, in the same transaction as the rows, so
folding twice (or in two processes) never counts a hit twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mailer.tracking.models import HitKind, SpoolFile, TrackingHit

logger = logging.getLogger(__name__)

SUFFIX = ".hits"
#: a fully folded file untouched for this long belongs to a finished hour and is removed.
REMOVE_AFTER = timedelta(minutes=10)
_KINDS = {kind.value for kind in HitKind}


class SpoolWriter:
    """Appends hits for this process; a new file each hour and after a fork."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._key: tuple[int, int] | None = None

    def _file_for(self, key: tuple[int, int]) -> int:
        with self._lock:
            if self._key != key:
                if self._fd is not None:
                    os.close(self._fd)
                self.directory.mkdir(parents=True, exist_ok=True)
                pid, hour = key
                name = f"{socket.gethostname()[:40]}-{pid}-{hour}{SUFFIX}"
                self._fd = os.open(
                    self.directory / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600
                )
                self._key = key
            return self._fd

    def append(
        self,
        kind: HitKind,
        bulletin_id: int,
        recipient_id: int,
        link_id: int | None = None,
        machine_hint: str = "",
        at: float | None = None,
    ) -> None:
        """Append one hit line (an atomic write to this process's file)."""
        at = time.time() if at is None else at
        fd = self._file_for((os.getpid(), int(at // 3600)))
        os.write(fd, format_line(kind, bulletin_id, recipient_id, link_id, machine_hint, at))


def format_line(
    kind: HitKind,
    bulletin_id: int,
    recipient_id: int,
    link_id: int | None,
    machine_hint: str,
    at: float,
) -> bytes:
    """One hit as the spool and the Redis stream keep it: tab-separated, ending in a newline."""
    return (
        f"{kind.value}\t{bulletin_id}\t{recipient_id}\t{link_id or ''}\t"
        f"{int(at * 1000)}\t{machine_hint}\n"
    ).encode()


@dataclass
class FoldReport:
    """What one fold of the spool did: files read, hits stored, malformed lines."""

    files: int = 0
    hits: int = 0
    malformed: int = 0
    removed: int = 0


def parse_line(line: bytes) -> dict | None:
    """The tracking_hits row a hit line stands for, or None if the line is malformed."""
    try:
        kind, bulletin_id, recipient_id, link_id, millis, hint = line.decode().split("\t")
        if kind not in _KINDS:
            return None
        return {
            "kind": kind,
            "bulletin_id": int(bulletin_id),
            "recipient_id": int(recipient_id),
            "link_id": int(link_id) if link_id else None,
            "at": datetime.fromtimestamp(int(millis) / 1000, UTC),
            "machine_hint": hint[:12],
        }
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        return None


def _insert_unless_present(session: Session, values: dict) -> bool:
    """Insert the file's row; False when another folder inserted it first."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert
    table = SpoolFile.__table__
    # RETURNING says whether this statement inserted the row (rowcount is not reliable here).
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.name)
    return session.execute(statement).first() is not None


def claim_position(session: Session, name: str, start: int, end: int) -> bool:
    """Move the folded mark of ``name`` from start to end, or say another folder got there
    first (the caller inserts the rows in the same transaction)."""
    now = datetime.now(UTC)
    if start == 0 and session.get(SpoolFile, name) is None:
        return _insert_unless_present(
            session, {"name": name, "folded_bytes": end, "updated_at": now}
        )
    moved = session.execute(
        sa.update(SpoolFile)
        .where(SpoolFile.name == name, SpoolFile.folded_bytes == start)
        .values(folded_bytes=end, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return moved == 1


def fold_spool(session: Session, directory: str | Path, now: datetime) -> FoldReport:
    """Insert every complete new line of every spool file; one transaction per file. Commits."""
    report = FoldReport()
    directory = Path(directory)
    if not directory.is_dir():
        return report
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        name = path.name
        record = session.get(SpoolFile, name)
        start = record.folded_bytes if record else 0
        session.rollback()  # end the read; the claim below starts the write
        with path.open("rb") as spool:
            spool.seek(start)
            data = spool.read()
        complete = data[: data.rfind(b"\n") + 1]
        if complete:
            rows = [parse_line(line) for line in complete.splitlines()]
            good = [row for row in rows if row is not None]
            if not claim_position(session, name, start, start + len(complete)):
                session.rollback()
                continue
            if good:
                session.execute(sa.insert(TrackingHit), good)
            session.commit()
            report.files += 1
            report.hits += len(good)
            report.malformed += len(rows) - len(good)
        elif _finished(path, start, now):
            _remove(session, path)
            report.removed += 1
    if report.malformed:
        logger.warning("tracking spool: %s malformed lines skipped", report.malformed)
    return report


def _finished(path: Path, folded: int, now: datetime) -> bool:
    """Fully folded, of an hour that is over, and untouched for a while: nobody writes to it."""
    try:
        hour = int(path.name[: -len(SUFFIX)].rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False
    stat = path.stat()
    idle = now.timestamp() - stat.st_mtime
    over = hour < int(now.timestamp() // 3600)
    return over and stat.st_size == folded and idle > REMOVE_AFTER.total_seconds()


def _remove(session: Session, path: Path) -> None:
    # The row goes first: a file that reappears under the same name is folded from byte 0.
    session.execute(sa.delete(SpoolFile).where(SpoolFile.name == path.name))
    session.commit()
    path.unlink(missing_ok=True)
