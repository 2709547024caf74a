"""Failed sign-in attempts counted per account *and* client address, with growing waits.

A hard lock on an account lets anyone who knows a staff email address lock that person out.
Here failures are counted for the pair (what was typed, where from): after
``LOGIN_MAX_FAILURES`` failures the pair must wait 2, 4, 8 ... seconds (capped at
``LOGIN_MAX_DELAY_MINUTES``) between attempts, so a stranger slows only their own address and
the real person signs in from theirs. The pair is keyed on the typed email whether or not an
account has it, so the answer never shows whether an account exists. Counts live in the
database, so every web server sees the same ones.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from panel.database import Base

#: rows untouched for this long are forgotten (a success deletes its row at once).
FORGET_AFTER = timedelta(days=1)


class SignInThrottle(Base):
    """Recent failures of one (scope, account, client address) and how long it must wait."""

    __tablename__ = "sign_in_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC of scope, account and address: no email address or IP address is stored.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<SignInThrottle {self.id} failures={self.failures}>"


def throttle_key(scope: str, account: str, address: str) -> str:
    """The stored key for failures of ``account`` (an email or a user id) from ``address``."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = "\0".join((scope, account.strip().lower(), address)).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def seconds_to_wait(session: Session, key: str, now: datetime) -> int:
    """How long this pair must still wait before another attempt is even checked (0: none)."""
    blocked_until = session.scalar(
        sa.select(SignInThrottle.blocked_until).where(SignInThrottle.key_hash == key)
    )
    if blocked_until is None or blocked_until <= now:
        return 0
    return math.ceil((blocked_until - now).total_seconds())


def delay_after(failures: int) -> timedelta:
    """The wait after ``failures`` failures: none at first, then doubling up to the cap."""
    free = current_app.config["LOGIN_MAX_FAILURES"]
    if failures < free:
        return timedelta(0)
    cap = current_app.config["LOGIN_MAX_DELAY_MINUTES"] * 60
    return timedelta(seconds=min(cap, 2 ** min(failures - free + 1, 32)))


def _insert(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert
    return insert(SignInThrottle)


def record_failure(session: Session, key: str, now: datetime) -> None:
    """Count one failure for the pair and set its wait. The caller commits."""
    # One atomic upsert, so failures racing on several servers are all counted.
    statement = _insert(session).values(key_hash=key, failures=1, updated_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["key_hash"],
        set_={"failures": SignInThrottle.failures + 1, "updated_at": now},
    ).returning(SignInThrottle.failures)
    failures = session.execute(statement).scalar_one()
    delay = delay_after(failures)
    if delay:
        session.execute(
            sa.update(SignInThrottle)
            .where(SignInThrottle.key_hash == key)
            .values(blocked_until=now + delay)
            .execution_options(synchronize_session=False)
        )


def clear_failures(session: Session, key: str) -> None:
    """Forget the pair's failures after a success."""
    session.execute(
        sa.delete(SignInThrottle)
        .where(SignInThrottle.key_hash == key)
        .execution_options(synchronize_session=False)
    )


def forget_old_failures(session: Session, now: datetime) -> int:
    """Delete pairs with no failure for a day and no wait left. Safe to run twice."""
    result = session.execute(
        sa.delete(SignInThrottle)
        .where(SignInThrottle.updated_at < now - FORGET_AFTER)
        .where(sa.or_(SignInThrottle.blocked_until.is_(None), SignInThrottle.blocked_until < now))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
