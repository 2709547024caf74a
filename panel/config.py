"""Configuration read from the environment, with safe defaults for development."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised when the environment cannot give a safe configuration."""


def _secret_key(instance_path: Path, production: bool) -> str:
    """SECRET_KEY from the environment, or one generated once and kept under instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set in production")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _period(env, name: str, default: int) -> int:
    """A retention period from the environment: a whole number, 0 or more."""
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def load_config(instance_path: Path) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ
    production = env.get("APP_ENV", "development") == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'panel.sqlite3'}"
    sendgrid_key = env.get("SENDGRID_API_KEY", "")
    redis_url = env.get("REDIS_URL", "")
    mail_backend = env.get("MAIL_BACKEND") or ("sendgrid" if sendgrid_key else "outbox")
    return {
        "APP_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_BACKEND": mail_backend,
        "MAIL_FROM": env.get("MAIL_FROM", "panel@lsc-panel.example.nhs.uk"),
        "MAIL_FROM_NAME": env.get("MAIL_FROM_NAME", "Lancashire and South Cumbria Citizens' Panel"),
        "SENDGRID_API_KEY": sendgrid_key,
        "SENDGRID_API_HOST": env.get("SENDGRID_API_HOST", "https://api.sendgrid.com"),
        "SENDGRID_WEBHOOK_PUBLIC_KEY": env.get("SENDGRID_WEBHOOK_PUBLIC_KEY", ""),
        "OUTBOX_DIR": env.get("OUTBOX_DIR", str(instance_path / "outbox")),
        # Several web servers share a Redis (redis://host:port/db): open and click hits go to a
        # stream there and rate limits are counted there. Unset: one machine, as `make run`.
        "REDIS_URL": redis_url,
        "TRACKING_REDIS_KEY": env.get("TRACKING_REDIS_KEY", "panel:tracking:hits"),
        # Without REDIS_URL, open and click hits are appended here by the web processes and
        # folded into the database by the scheduler: a folder the scheduler process can read.
        "TRACKING_SPOOL_DIR": env.get("TRACKING_SPOOL_DIR", str(instance_path / "tracking")),
        # Address ranges whose image fetches are proxies, not people (Apple's own by default).
        "TRACKING_MACHINE_NETWORKS": tuple(
            net.strip()
            for net in env.get("TRACKING_MACHINE_NETWORKS", "17.0.0.0/8").split(",")
            if net.strip()
        ),
        "TIMEZONE": env.get("TIMEZONE", "Europe/London"),
        # Let webhooks go to http:// and loopback receivers (the tests' own): never in
        # production, where every endpoint must be https on a public address.
        "WEBHOOK_ALLOW_LOOPBACK": False
        if production
        else env.get("WEBHOOK_ALLOW_LOOPBACK", "0") == "1",
        # Run every scheduled job at least this often (seconds; 0: as JOBS says). For tests and
        # demonstrations that cannot wait for the hourly jobs; ignored in production.
        "SCHEDULER_MAX_INTERVAL_SECONDS": 0
        if production
        else int(env.get("SCHEDULER_MAX_INTERVAL_SECONDS", "0")),
        # Limits count across all web servers only in a shared store: Redis when there is one.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        # A larger request body is answered with the 413 page before any view reads it.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_REQUEST_MB", "8")) * 1024 * 1024,
        # How many reverse proxies in front of the app append to X-Forwarded-For: the client
        # address (for rate limits and sign-in throttling) is taken that many hops back.
        # 0 ignores the header, which anyone can forge when there is no proxy.
        "TRUSTED_PROXY_HOPS": int(env.get("TRUSTED_PROXY_HOPS", "0")),
        # Failures allowed for one account from one address before waits of 2, 4, 8 ... seconds
        # (up to LOGIN_MAX_DELAY_MINUTES) between attempts.
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_DELAY_MINUTES": int(env.get("LOGIN_MAX_DELAY_MINUTES", "15")),
        # A signed-in session (staff or member) ends this long after signing in.
        "SESSION_MAX_HOURS": int(env.get("SESSION_MAX_HOURS", "12")),
        "TOKEN_MAX_AGE_HOURS": int(env.get("TOKEN_MAX_AGE_HOURS", "24")),
        # NHS Digital's small-number rule: public and exported counts from 1 to this are hidden.
        "SMALL_NUMBER_MAX": int(env.get("SMALL_NUMBER_MAX", "7")),
        # Closed surveys without public results and a "we did" entry after this are flagged.
        "FOLLOW_THROUGH_WEEKS": int(env.get("FOLLOW_THROUGH_WEEKS", "12")),
        # /healthz calls the service unhealthy when no scheduled job has finished for this long
        # (the busiest job runs every few seconds).
        # /metrics needs "Authorization: Bearer <this>"; empty: it answers on loopback only.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        "HEALTH_SCHEDULER_MAX_AGE_SECONDS": int(env.get("HEALTH_SCHEDULER_MAX_AGE_SECONDS", "300")),
        # The retention schedule (README, "Retention"): periods after a survey closes. The ICB's
        # information governance team sets them; unconfirmed sign-ups (7 days) are fixed.
        "RETENTION_UNSENT_RESPONSE_DAYS": _period(env, "RETENTION_UNSENT_RESPONSE_DAYS", 30),
        "RETENTION_RESPONSE_LINK_MONTHS": _period(env, "RETENTION_RESPONSE_LINK_MONTHS", 6),
        "RETENTION_SURVEY_RECORDS_YEARS": _period(env, "RETENTION_SURVEY_RECORDS_YEARS", 6),
        # Days the audit log keeps each partner API call (one row per call).
        "RETENTION_API_CALL_DAYS": _period(env, "RETENTION_API_CALL_DAYS", 90),
        # At most this many members per household (same surname at the same postcode), checked
        # at joining and import; 0 (the default) means no limit. Telling a joiner the household
        # is full says someone there is a member: set it only if the panel needs it.
        "MAX_MEMBERS_PER_HOUSEHOLD": int(env.get("MAX_MEMBERS_PER_HOUSEHOLD", "0")),
        # Members silent this long are asked "are you still interested?" (a round the comms
        # team starts); without an answer after the notice period they become inactive.
        "INACTIVITY_SILENT_MONTHS": max(1, _period(env, "INACTIVITY_SILENT_MONTHS", 12)),
        "INACTIVITY_NOTICE_DAYS": max(7, _period(env, "INACTIVITY_NOTICE_DAYS", 30)),
        # Equality monitoring consent older than this many days is due for renewal: a
        # re-consent campaign asks those members to confirm (about three years by default).
        "RECONSENT_MAX_AGE_DAYS": _period(env, "RECONSENT_MAX_AGE_DAYS", 1095),
    }
