"""Who is calling the API: the key in the Authorization header (or nobody), its scopes and
place, the rate limit it counts against, and the audit row every call leaves."""

from __future__ import annotations

import logging
from functools import wraps

from flask import current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from panel.api_keys.models import ApiKey, Scope
from panel.api_keys.services import check_secret, hash_secret, record_api_call
from panel.database import utcnow
from panel.extensions import db
from panel.problem_details import problem_response

logger = logging.getLogger(__name__)

#: per key, and per address for calls without a key (API_RATE_LIMIT_KEY and
#: API_RATE_LIMIT_ANONYMOUS in the configuration change them).
KEY_RATE_LIMIT = "600/minute"
ANONYMOUS_RATE_LIMIT = "60/minute"

_PROBLEMS = {
    "unknown": "The API key was not recognised. Check it was copied whole, after 'Bearer '.",
    "revoked": "This API key was revoked. Ask the communications team for a new one.",
    "expired": "This API key has expired. Ask the communications team for a new one.",
}


def presented_secret() -> str | None:
    """The key sent as 'Authorization: Bearer <key>', or None when no key was sent."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """What the rate limit counts: the key (by its hash, so unknown keys count too) or the
    caller's address."""
    secret = presented_secret()
    return f"api-key:{hash_secret(secret)[:24]}" if secret else f"api-ip:{request.remote_addr}"


def rate_limit() -> str:
    """The limit for this caller."""
    if presented_secret():
        return current_app.config.get("API_RATE_LIMIT_KEY", KEY_RATE_LIMIT)
    return current_app.config.get("API_RATE_LIMIT_ANONYMOUS", ANONYMOUS_RATE_LIMIT)


def identify_caller():
    """Before each API call: find the key, or answer 401 when it cannot be used."""
    g.api_key = None
    header = request.headers.get("Authorization")
    secret = presented_secret()
    if header is not None and secret is None:
        return problem_response(
            401,
            "Send the key as 'Authorization: Bearer <key>', or no Authorization header "
            "for public data.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if secret is None:
        return None
    check = check_secret(db.session, secret, utcnow())
    g.api_key = check.key
    if check.problem is not None:
        return problem_response(
            401, _PROBLEMS[check.problem], headers={"WWW-Authenticate": 'Bearer realm="api"'}
        )
    return None


def audit_call(response):
    """After each API call: one audit row (key, method, path, status), committed."""
    try:
        record_api_call(
            db.session,
            g.get("api_key"),
            request.method,
            request.path,
            response.status_code,
            utcnow(),
        )
        db.session.commit()
    except SQLAlchemyError:
        logger.exception("could not audit an API call")
        db.session.rollback()
    return response


def current_key() -> ApiKey | None:
    """The key of this call if it is usable, else None (anonymous)."""
    key = g.get("api_key")
    return key if key is not None and key.revoked_at is None else None


def requires(scope: Scope):
    """The call needs a key with this scope: 401 without a key, 403 without the scope."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            key = current_key()
            if key is None:
                return problem_response(
                    401,
                    f"This needs an API key with the '{scope}' scope.",
                    headers={"WWW-Authenticate": 'Bearer realm="api"'},
                )
            if scope not in key.scope_set:
                return problem_response(
                    403, f"This key does not have the '{scope}' scope this needs."
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator
