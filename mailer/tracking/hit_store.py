"""Open and click hits in a Redis stream, for several web servers that share no disk.

With ``REDIS_URL`` set, each pixel or click request adds its hit to one Redis stream (XADD: one
round trip, no database write while the person waits) before it answers, and the scheduler's
fold job moves the stream into ``tracking_hits``. Without it, the spool (``spool.py``) is used.

Exactly once, even if the fold is killed at any moment: stream entries have ids that only grow,
and the fold keeps the id of the last entry it stored in ``tracking_spool_files`` (the spool's
table, one row named after the stream), moved from the old id to the new one by a compare-and-
set in the same transaction as the rows (``spool.claim_position``). Killed before the commit,
nothing moved and the next fold reads the same entries again; killed after it, the next fold
starts after them. Only then are the stored entries trimmed from the stream, so a trim that
never happened costs memory, never a hit. Two folds at once: one wins the claim, one rolls back.

Bounded loss: a hit is in Redis before its request is answered, so every hit a client saw
answered is counted; a web server killed mid-request loses at most the hits of the requests it
had not answered (one per busy worker thread), and those clients saw no answer. If Redis cannot
be reached, the hit is dropped (logged and counted in ``panel_tracking_hits_dropped``) and the
person still gets the image or the redirect. Redis runs without persistence in the tests; in
production give it AOF persistence (appendonly yes) or accept losing unfolded hits (at most the
fold interval's worth) when Redis itself restarts.
"""

from __future__ import annotations

import logging
import time

import redis
import sqlalchemy as sa
from flask import Flask
from prometheus_client import Counter
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.orm import Session

from mailer.tracking.models import HitKind, SpoolFile, TrackingHit
from mailer.tracking.spool import FoldReport, claim_position, format_line, parse_line

logger = logging.getLogger(__name__)

FIELD = b"h"
#: entries read, stored and claimed per transaction.
BATCH = 5000
#: stream ids are "milliseconds-sequence"; the fold's mark keeps both in one BIGINT.
_SEQUENCE_BITS = 20
DROPPED = Counter(
    "panel_tracking_hits_dropped", "Open and click hits lost because Redis could not be reached"
)


def redis_client(app: Flask) -> redis.Redis:
    """This app's Redis client (its connection pool starts afresh in a forked worker). No
    retries and short timeouts: a pixel or a redirect must not wait on a Redis that is down."""
    client = app.extensions.get("tracking_redis")
    if client is None:
        client = app.extensions["tracking_redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_timeout=1,
            socket_connect_timeout=1,
            retry=Retry(NoBackoff(), 0),
        )
    return client


class RedisHitWriter:
    """Adds hits to the shared stream, one XADD a request."""

    def __init__(self, client: redis.Redis, key: str):
        self.client, self.key = client, key

    def append(
        self,
        kind: HitKind,
        bulletin_id: int,
        recipient_id: int,
        link_id: int | None = None,
        machine_hint: str = "",
        at: float | None = None,
    ) -> None:
        """Add one hit; if Redis is unreachable, drop it (logged, counted) rather than fail."""
        at = time.time() if at is None else at
        line = format_line(kind, bulletin_id, recipient_id, link_id, machine_hint, at)
        try:
            self.client.xadd(self.key, {FIELD: line})
        except redis.RedisError as error:
            DROPPED.inc()
            logger.warning("tracking hit dropped: Redis unreachable (%s)", type(error).__name__)


def position_of(entry_id: bytes | str) -> int:
    """The fold's mark for a stream entry id ("1765000000000-3")."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    millis, _, sequence = text.partition("-")
    if int(sequence) >= 1 << _SEQUENCE_BITS:
        raise ValueError(f"stream sequence too large to keep: {text}")
    return (int(millis) << _SEQUENCE_BITS) | int(sequence)


def entry_id_of(position: int) -> str:
    """The stream entry id a fold mark stands for."""
    return f"{position >> _SEQUENCE_BITS}-{position & ((1 << _SEQUENCE_BITS) - 1)}"


def mark_name(key: str) -> str:
    """The tracking_spool_files row that keeps how far the stream ``key`` is folded."""
    return f"redis:{key}"


def fold_stream(session: Session, client: redis.Redis, key: str) -> FoldReport:
    """Store every stream entry after the fold's mark, BATCH a transaction, then trim the stored
    entries from the stream. Commits; safe to kill at any point and to run twice at once."""
    report = FoldReport()
    name = mark_name(key)
    while True:
        start = session.scalar(sa.select(SpoolFile.folded_bytes).where(SpoolFile.name == name))
        start = start or 0
        session.rollback()  # end the read; the claim below starts the write
        after = f"({entry_id_of(start)}" if start else "-"
        entries = client.xrange(key, min=after, max="+", count=BATCH)
        if not entries:
            if start:  # a fold killed between its commit and its trim left stored entries
                client.xtrim(key, minid=entry_id_of(start + 1), approximate=False)
            break
        end = position_of(entries[-1][0])
        rows = [parse_line(fields.get(FIELD, b"")) for _, fields in entries]
        good = [row for row in rows if row is not None]
        if not claim_position(session, name, start, end):
            session.rollback()
            continue  # another fold stored these; read its mark again
        if good:
            session.execute(sa.insert(TrackingHit), good)
        session.commit()
        report.files = 1
        report.hits += len(good)
        report.malformed += len(rows) - len(good)
        # Stored: entries up to and including `end` may go (MINID keeps ids >= its argument).
        client.xtrim(key, minid=entry_id_of(end + 1), approximate=False)
        if len(entries) < BATCH:
            break
    if report.malformed:
        logger.warning("tracking stream: %s malformed entries skipped", report.malformed)
    return report


def unfolded_hits(client: redis.Redis, key: str) -> int:
    """Hits in the stream not yet in the database (entries are trimmed once stored); -1 when
    Redis cannot be reached."""
    try:
        return client.xlen(key)
    except redis.RedisError:
        return -1
