"""Rate limits beyond Flask-Limiter's decorators: silent caps, and the client's address."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse

from panel.extensions import limiter


def client_address() -> str:
    """The client's address: behind TRUSTED_PROXY_HOPS proxies, the one they saw (ProxyFix)."""
    return get_remote_address()


def hit_limit(limit: str, scope: str, key: str) -> bool:
    """Count one attempt; True while within ``limit`` (always True when limits are off). Counted
    in the limiter's storage (RATELIMIT_STORAGE_URI: Redis with several web servers), so the
    count is shared by every server, as the decorators' limits are."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return limiter.limiter.hit(parse(limit), scope, key.strip().lower())
