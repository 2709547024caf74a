"""Issuing, checking and revoking API keys. A key's secret is shown once and only its SHA-256
is stored: the secret is 32 random bytes, so a fast hash is enough (nothing to guess)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.api_keys.models import SCOPE_VALUES, ApiKey, Scope
from panel.audit.models import AuditEvent
from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.places.models import Place

#: every key carries this before its random part, so a leaked key is recognisable in a scan.
KEY_MARK = "lscp_"
PREFIX_LENGTH = 12
#: the audit action of every API call (panel.audit), one row per call.
API_CALL_ACTION = "api.call"
#: keys are for a year at most: partners come back for a new one.
MAX_LIFETIME = timedelta(days=366)


class ApiKeyError(FieldError):
    """The key cannot be issued or changed; the message says why."""


@dataclass(frozen=True)
class KeyCheck:
    """The key a request presented, or why it cannot be used (problem: unknown, revoked,
    expired)."""

    key: ApiKey | None
    problem: str | None


def hash_secret(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_api_key(
    session: Session,
    user: StaffUser,
    *,
    organisation: str,
    name: str,
    scopes: list[str],
    place_id: int | None,
    expires_on: date | None,
    now: datetime,
) -> tuple[ApiKey, str]:
    """Issue a key; returns it and its secret (show it once). Raises ApiKeyError."""
    organisation, name = (organisation or "").strip(), (name or "").strip()
    if not organisation:
        raise ApiKeyError("Enter the partner organisation", "organisation")
    if not name:
        raise ApiKeyError("Enter what the key is for", "name")
    granted = [Scope(value) for value in scopes if value in SCOPE_VALUES]
    if not granted:
        raise ApiKeyError("Choose at least one thing the key may do", "scopes")
    if place_id is not None and session.get(Place, place_id) is None:
        raise ApiKeyError("Choose a place from the list", "place_id")
    if expires_on is None:
        raise ApiKeyError("Enter the date the key stops working", "expires_on")
    expires_at = datetime.combine(expires_on, time.min, tzinfo=now.tzinfo)
    if expires_at <= now:
        raise ApiKeyError("The expiry date must be in the future", "expires_on")
    if expires_at - now > MAX_LIFETIME:
        raise ApiKeyError("The expiry date must be within a year", "expires_on")
    secret = KEY_MARK + secrets.token_urlsafe(32)
    key = ApiKey(
        organisation=organisation,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        scopes=" ".join(sorted(granted)),
        place_id=place_id,
        expires_at=expires_at,
        created_at=now,
        created_by_id=user.id,
    )
    session.add(key)
    session.flush()
    record_audit(session, user, "api_key.issue", "api_key", [key.id], key.prefix, now=now)
    return key, secret


def revoke_api_key(session: Session, user: StaffUser, key: ApiKey, now: datetime) -> None:
    """Stop the key working from now. Raises ApiKeyError if it was already revoked."""
    if key.revoked_at is not None:
        raise ApiKeyError("This key was already revoked")
    key.revoked_at = now
    key.revoked_by_id = user.id
    record_audit(session, user, "api_key.revoke", "api_key", [key.id], key.prefix, now=now)
    session.flush()


def check_secret(session: Session, secret: str, now: datetime) -> KeyCheck:
    """The key with this secret if it may be used now, else why not."""
    key = session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))
    if key is None:
        return KeyCheck(None, "unknown")
    if key.revoked_at is not None:
        return KeyCheck(key, "revoked")
    if now >= key.expires_at:
        return KeyCheck(key, "expired")
    return KeyCheck(key, None)


def all_api_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first."""
    return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.id.desc())))


def record_api_call(
    session: Session, key: ApiKey | None, method: str, path: str, status: int, now: datetime
) -> None:
    """One audit row for one API call (key, method, path, status); the caller commits.

    Written as one plain INSERT in the caller's transaction rather than through the session's
    unit of work: every call leaves one, and the ORM's bookkeeping cost more than the rest of
    a cached answer. The row is the one record_audit would make."""
    detail = f"{method} {path} {status}" + (f" {key.organisation}" if key else " anonymous")
    session.connection().execute(
        _INSERT_AUDIT_ROW,
        {
            "at": now,
            "staff_user_id": None,
            "action": API_CALL_ACTION,
            "object_type": "api_key",
            "object_ids": str(key.id) if key is not None else "",
            "detail": detail[:500],
        },
    )


#: built once: a statement made afresh on each call costs more than running it.
_INSERT_AUDIT_ROW = sa.insert(AuditEvent)


def forget_old_api_calls(session: Session, now: datetime, days: int) -> int:
    """Delete the API-call audit rows older than ``days`` days (RETENTION_API_CALL_DAYS); every
    call leaves one, so they would otherwise outgrow the rest of the audit log. Returns how
    many were deleted; running it again at once deletes none."""
    deleted = session.execute(
        sa.delete(AuditEvent).where(
            AuditEvent.action == API_CALL_ACTION, AuditEvent.at < now - timedelta(days=days)
        )
    ).rowcount
    return deleted or 0
