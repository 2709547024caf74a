"""Structured logs: one JSON object a line, a request id on every line, and no personal data.

Each line carries the request id (taken from a trusted proxy's X-Request-Id when it looks like
one, else made here, and sent back in the response) so one request can be followed across the
web servers and the load balancer; scheduled jobs get an id per run. Messages and tracebacks
are scrubbed on the way out: email addresses, anything shaped like a token, and the value after
a word such as "password" or "token" are replaced, because a log is kept longer and read more
widely than the data it describes (quality bar 19). The scrubbing is a safety net; code still
logs ids, never people.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

#: an address with any local part RFC 5322 allows (but "/ ? = &", so that in a URL only the
#: address goes), also as it appears in a query string (%40).
EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%'*+^_`{|}~-]*(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.IGNORECASE
)
#: secrets.token_urlsafe, signed itsdangerous tokens, hex digests: long runs of URL-safe
#: characters, possibly in dotted parts (a run that reads as words, such as a job id or a
#: class name, stays readable).
TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{24,}(?:\.[A-Za-z0-9_-]{4,}){0,3}")
SECRET_VALUE = re.compile(
    r"(?i)\b(password|passwd|secret|token|api[_-]?key|authorization|cookie)(\"?\s*[=:]\s*)"
    r"(\"[^\"]*\"|'[^']*'|\S+)"
)

#: the id of what is running outside a request (a scheduled job's run).
current_run_id: ContextVar[str] = ContextVar("current_run_id", default="-")


def redact(text: str) -> str:
    """The text with addresses, tokens and secret values replaced."""
    text = SECRET_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = EMAIL.sub("[email]", text)
    return TOKEN.sub(_token_or_name, text)


_NAME = re.compile(r"[a-z]+(?:[-_.][a-z]+)*|(?:[A-Z][a-z]+)+")


def _token_or_name(match: re.Match) -> str:
    word = match.group(0)
    return word if _NAME.fullmatch(word) else "[token]"


def request_id() -> str:
    """The id of the request or job being served now ("-" when neither)."""
    if has_request_context():
        return g.get("request_id", "-")
    return current_run_id.get()


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one scrubbed JSON line."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id(),
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def json_handler(stream=None) -> logging.Handler:
    """A handler writing JSON lines to ``stream`` (standard error by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.panel_json = True  # marks the handler as ours, so it is added once per process
    return handler


def configure_logging(level: int = logging.INFO) -> None:
    """Send the process's logs through one JSON handler (idempotent)."""
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(handler, "panel_json", False) for handler in root.handlers):
        root.addHandler(json_handler())
    # Chatty libraries: their progress lines are not what an operator reads logs for.
    for name in ("alembic.runtime.plugins", "weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex


def _finish_request(response):
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "-")
    return response


def init_app(app: Flask) -> None:
    """JSON logs for the process and a request id for each request."""
    configure_logging()
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
