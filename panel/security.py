"""Security headers on every response: a nonce-based CSP, nosniff, referrer policy, HSTS."""

from __future__ import annotations

import secrets

from flask import Flask, g, request


def csp_nonce() -> str:
    """This request's nonce for inline scripts allowed by the content security policy."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    """Add the security headers (a CSP with a per-request nonce, no framing, HSTS in production)."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response):
        nonce = csp_nonce()
        # A view may set a stricter policy of its own (an email shown in a sandboxed frame).
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; "
            "img-src 'self' data:; "
            # The Frutiger web font comes from assets.nhs.uk; offline it falls back to Arial.
            "font-src 'self' https://assets.nhs.uk; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["APP_ENV"] == "production":
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # Pages with personal data must not sit in shared caches or the back-forward cache.
        if (
            request.path.startswith(("/staff", "/my-panel"))
            and "Cache-Control" not in response.headers
        ):
            response.headers["Cache-Control"] = "no-store"
        return response
