"""Password hashing with argon2id (argon2-cffi's RFC 9106 low-memory profile, above OWASP)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_PRODUCTION_HASHER = PasswordHasher()
# Tests create many accounts; a cheap profile keeps the suite fast and is never used outside tests.
_TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


def _hasher() -> PasswordHasher:
    return _TEST_HASHER if current_app.config.get("TESTING") else _PRODUCTION_HASHER


def hash_password(password: str) -> str:
    """The argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the hashing time, so timing reveals nothing."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


_DUMMIES: dict[int, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = id(hasher)
    if key not in _DUMMIES:
        _DUMMIES[key] = hasher.hash("not-a-real-password-but-costs-the-same")
    return _DUMMIES[key]


def password_problem(password: str) -> str | None:
    """A message explaining why a password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if len(set(password)) < 5:
        return "Password must not repeat the same few characters"
    return None
