"""Signed-in browsers, one row each, so that a session can be ended on the server.

The browser's cookie holds only a random token; this table holds its SHA-256, whose session it
is (a staff user or a member) and when it ends. Signing out deletes the row, so a copied cookie
stops working at once; changing a password, role, places or second factor, disabling an account
or leaving the panel deletes every row of that person. Every web server reads the same table,
so a session ended through one server is ended on all of them (quality bar 22).

Reading a session never writes (a GET never writes), so there is no "last seen" stamp: a
session lasts ``SESSION_MAX_HOURS`` from sign-in, however it is used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from panel.database import Base


class LoginSession(Base):
    """One signed-in browser of a staff user or of a member (exactly one of the two)."""

    __tablename__ = "login_sessions"
    __table_args__ = (
        sa.CheckConstraint("(staff_user_id IS NULL) <> (member_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of the random token in the browser's cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    #: the absolute end of the session, however busy it is.
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        owner = f"staff {self.staff_user_id}" if self.staff_user_id else f"member {self.member_id}"
        return f"<LoginSession {self.id} {owner}>"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(
    session: Session,
    now: datetime,
    lifetime: timedelta,
    *,
    staff_user_id: int | None = None,
    member_id: int | None = None,
) -> str:
    """Record a new signed-in browser and return the token for its cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            staff_user_id=staff_user_id,
            member_id=member_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def live_session_filter(token: str, now: datetime):
    """The WHERE clause picking the unexpired session that ``token`` names."""
    return sa.and_(LoginSession.token_hash == _token_hash(token), LoginSession.expires_at > now)


def end_login_session(session: Session, token: str | None) -> None:
    """Sign this browser out on the server: its cookie no longer works anywhere."""
    if token:
        session.execute(
            sa.delete(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        )


def end_all_sessions(
    session: Session,
    *,
    staff_user_id: int | None = None,
    member_id: int | None = None,
    keep_token: str | None = None,
) -> None:
    """Sign a person out everywhere, except the browser holding ``keep_token`` if given."""
    if (staff_user_id is None) == (member_id is None):
        raise ValueError("name exactly one of staff_user_id and member_id")
    owner = (
        LoginSession.staff_user_id == staff_user_id
        if staff_user_id is not None
        else LoginSession.member_id == member_id
    )
    statement = sa.delete(LoginSession).where(owner)
    if keep_token:
        statement = statement.where(LoginSession.token_hash != _token_hash(keep_token))
    session.execute(statement)


def purge_expired_sessions(session: Session, now: datetime) -> int:
    """Delete sessions past their end (they already stopped working). Safe to run twice."""
    result = session.execute(sa.delete(LoginSession).where(LoginSession.expires_at <= now))
    return result.rowcount or 0
