"""Signed, expiring tokens: one salt per purpose, so a token for one job never works for another."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenPurpose(StrEnum):
    """Each purpose signs with its own salt."""

    CONFIRM_SIGNUP = "confirm-signup"
    MAGIC_LINK = "magic-link"
    UNSUBSCRIBE = "unsubscribe"
    SURVEY_LINK = "survey-link"
    PASSWORD_RESET = "password-reset"  # noqa: S105 (a salt name, not a secret)
    STAFF_INVITE = "staff-invite"
    BULLETIN_VIEW = "bulletin-view"
    EVENT_REPLY = "event-reply"
    EVENT_CHECK_IN = "event-check-in"
    KEEP_ME = "keep-me"
    RECONSENT = "reconsent"


class InvalidToken(Exception):
    """The token is tampered, for another purpose, or expired (``expired`` tells which)."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: TokenPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=str(purpose))


def make_token(purpose: TokenPurpose, payload: Any) -> str:
    """Sign ``payload`` for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: TokenPurpose, token: str, max_age_seconds: int | None) -> Any:
    """Return the payload, or raise InvalidToken. ``max_age_seconds=None`` never expires."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except (BadSignature, UnicodeError, ValueError) as exc:
        raise InvalidToken() from exc
