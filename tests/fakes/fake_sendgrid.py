"""A local fake of SendGrid's v3 Mail Send API that validates payloads as the real service does."""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import math
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self

from tests.fakes.sendgrid_rules import error, validate_mail_send

MAIL_SEND_PATH = "/v3/mail/send"
DEFAULT_MAX_BYTES = 30 * 1024 * 1024
_BEARER = re.compile(r"Bearer (\S+)\Z")
# SendGridAPIClient(None) sends "Bearer None" when SENDGRID_API_KEY is unset: a bug, not a key.
_NOT_A_KEY = frozenset({"None", "null", "undefined"})
_DRAIN_CHUNK = 1 << 16


class AcceptedMessage(NamedTuple):
    """One accepted personalization, as SendGrid would go on to deliver it."""

    request_no: int
    message_id: str
    to_email: str  # the first `to` address; the mailer sends one address per personalization
    subject: str
    custom_args: dict[str, str]  # message-level merged with the personalization's
    headers: dict[str, str]  # likewise merged
    substitutions: dict[str, str]
    content_types: tuple[str, ...]
    index: int  # position in the request's personalizations
    #: (filename, type, decoded bytes) of each attachment of the message.
    attachments: tuple[tuple[str, str, bytes], ...] = ()


class Rejection(NamedTuple):
    status: int
    errors: list[dict[str, Any]]


_FIELDS = AcceptedMessage._fields
# Log entries hold no cycles, so the per-call circular-reference bookkeeping is pure cost.
_encode = json.JSONEncoder(
    check_circular=False,
    # an attachment's bytes go into the log as base64
    default=lambda value: base64.b64encode(value).decode("ascii"),
).encode


def _error_body(errors: list[dict[str, Any]]) -> bytes:
    return json.dumps({"errors": errors}).encode()


def _accepted_entries(message: dict[str, Any], request_no: int, message_id: str) -> list:
    content_types = tuple(part["type"] for part in message.get("content") or ())
    attachments = tuple(
        (a["filename"], a.get("type", ""), base64.b64decode(a["content"]))
        for a in message.get("attachments") or ()
    )
    subject = message.get("subject")
    shared_args = message.get("custom_args")
    shared_headers = message.get("headers")
    entries = []
    append = entries.append
    for i, p in enumerate(message["personalizations"]):
        custom_args = p.get("custom_args")
        if shared_args:
            custom_args = {**shared_args, **(custom_args or {})}
        headers = p.get("headers")
        if shared_headers:
            headers = {**shared_headers, **(headers or {})}
        append(
            AcceptedMessage(
                request_no,
                message_id,
                p["to"][0]["email"],
                p.get("subject") or subject,
                custom_args if custom_args is not None else {},
                headers if headers is not None else {},
                p.get("substitutions") or {},
                content_types,
                i,
                attachments,
            )
        )
    return entries


class _Reply(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    drop: bool = False


class FakeSendGrid:
    """A running fake SendGrid API on 127.0.0.1; use as a context manager or call stop()."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        api_key: str | None = None,
        rate_limit_every: int = 0,
        delay_seconds: float = 0.0,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.api_key = api_key
        self.rate_limit_every = rate_limit_every
        self.delay_seconds = delay_seconds
        self.rate_limit_limit = 600
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._requests = 0
        self._accepted: list[AcceptedMessage] = []
        # Accepted requests not yet expanded into entries: (message, request_no, message_id), or
        # the entries themselves when the JSONL log already needed them.
        self._pending: list[tuple[dict[str, Any], int, str] | list[AcceptedMessage]] = []
        self._rejected: list[Rejection] = []
        self._failures: deque[tuple[int, float | None]] = deque()
        self._drops = 0
        self._connections: set[socket.socket] = set()
        self._log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
        self._server = _Server((host, port), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            # A short poll keeps stop(), and so every test's teardown, quick.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fake-sendgrid-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving, cut open keep-alive connections and close the log; safe to call twice."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            if self._log is not None:
                self._log.close()
                self._log = None

    def app_config(self) -> dict[str, Any]:
        """The app settings that send through the real sendgrid client to this fake."""
        return {
            "MAIL_BACKEND": "sendgrid",
            "SENDGRID_API_KEY": "SG.test",
            "SENDGRID_API_HOST": self.url,
            "SENDGRID_TIMEOUT": 5,
        }

    def fail_next(self, n: int = 1, status: int = 429, retry_after: float | None = None) -> None:
        """Answer the next n authorised requests with `status` instead of processing them."""
        with self._lock:
            self._failures.extend([(status, retry_after)] * n)

    def drop_next(self, n: int = 1) -> None:
        """Accept and log the next n valid requests, then hang up without answering."""
        with self._lock:
            self._drops += n

    def reset(self) -> None:
        """Forget logged requests and pending failures (the JSONL file is left as it is)."""
        with self._lock:
            self._requests = 0
            self._accepted.clear()
            self._pending.clear()
            self._rejected.clear()
            self._failures.clear()
            self._drops = 0

    @property
    def accepted(self) -> list[AcceptedMessage]:
        with self._lock:
            for batch in self._pending:
                self._accepted += batch if type(batch) is list else _accepted_entries(*batch)
            self._pending.clear()
            return list(self._accepted)

    @property
    def rejected(self) -> list[Rejection]:
        with self._lock:
            return list(self._rejected)

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def _reject(self, status: int, errors: list, headers: list | None = None) -> _Reply:
        with self._lock:
            self._rejected.append(Rejection(status, errors))
        headers = [("Content-Type", "application/json"), *(headers or [])]
        return _Reply(status, headers, _error_body(errors))

    def _process(self, authorization: str | None, body: bytes | None) -> _Reply:
        """Decide the answer to one POST /v3/mail/send; body is None when it was too large."""
        with self._lock:
            self._requests += 1
            request_no = self._requests
        if body is None:
            errors = [{"message": "content too large", "field": None}]
            return self._reject(413, errors)
        match = _BEARER.match(authorization or "")
        if match is None or match[1] in _NOT_A_KEY:
            return self._reject(401, [error("authorization required")])
        if self.api_key is not None and match[1] != self.api_key:
            message = "The provided authorization grant is invalid, expired, or revoked"
            return self._reject(401, [error(message)])
        failure = self._take_failure(request_no)
        if failure is not None:
            return self._failure_reply(*failure)
        try:
            message = json.loads(body)
        except ValueError:
            return self._reject(400, [error("Bad Request")])
        errors = validate_mail_send(message)
        if errors:
            return self._reject(400, errors)
        message_id = secrets.token_urlsafe(16)
        batch: Any = (message, request_no, message_id)
        lines = None
        if self._log is not None:
            batch = _accepted_entries(*batch)
            lines = "".join(_encode(dict(zip(_FIELDS, e, strict=True))) + "\n" for e in batch)
        with self._lock:
            # Expanded into entries only when read, so the sender being measured is not taxed.
            self._pending.append(batch)
            # Written before answering, so a crash-safety test sees everything the client could.
            if self._log is not None and lines is not None:
                self._log.write(lines)
                self._log.flush()
            drop = self._drops > 0
            if drop:
                self._drops -= 1
        return _Reply(202, [("X-Message-Id", message_id)], b"", drop)

    def _take_failure(self, request_no: int) -> tuple[int, float | None] | None:
        with self._lock:
            if self._failures:
                return self._failures.popleft()
        if self.rate_limit_every and request_no % self.rate_limit_every == 0:
            return 429, None
        return None

    def _failure_reply(self, status: int, retry_after: float | None) -> _Reply:
        headers = []
        if status == 429:
            reset = math.ceil(time.time() + (retry_after if retry_after is not None else 1))
            headers += [
                ("X-RateLimit-Limit", str(self.rate_limit_limit)),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", str(reset)),
            ]
            errors = [error("too many requests")]
        else:
            errors = [error("internal error" if status < 503 else "service unavailable")]
        if retry_after is not None:
            headers.append(("Retry-After", str(math.ceil(retry_after))))
        return self._reject(status, errors, headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender killed mid-request (as crash-safety tests do) resets its connection: expected.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without it, a small response on a kept-alive connection can wait out delayed ACKs.
    disable_nagle_algorithm = True
    # Idle keep-alive connections give up their thread eventually.
    timeout = 60

    def setup(self) -> None:
        super().setup()
        with self.server.fake._lock:  # type: ignore[attr-defined]
            self.server.fake._connections.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        with self.server.fake._lock:  # type: ignore[attr-defined]
            self.server.fake._connections.discard(self.connection)  # type: ignore[attr-defined]
        super().finish()

    def version_string(self) -> str:
        return "nginx"  # what SendGrid's API answers with

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines would only clutter test output; the fake keeps its own log.
        pass

    def _read_body(self, limit: int) -> bytes | None:
        """The body, or None if too big (drained all the same, so the client reads our answer)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length <= limit:
            body = self.rfile.read(length)
            if len(body) < length:
                raise ConnectionError("client went away mid-body")
            return body
        while length > 0:
            chunk = self.rfile.read(min(length, _DRAIN_CHUNK))
            if not chunk:
                raise ConnectionError("client went away mid-body")
            length -= len(chunk)
        return None

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)

    def do_POST(self) -> None:
        fake: FakeSendGrid = self.server.fake  # type: ignore[attr-defined]
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._send(_Reply(411, [], b""))
            return
        try:
            body = self._read_body(fake.max_bytes)
        except (ConnectionError, TimeoutError, ValueError):
            # A truncated request is never processed, just as SendGrid would not process it.
            self.close_connection = True
            return
        if self.path.split("?", 1)[0] != MAIL_SEND_PATH:
            self._send(_Reply(404, [], _error_body([error("not found")])))
            return
        try:
            reply = fake._process(self.headers.get("Authorization"), body)
        except Exception as exc:  # noqa: BLE001
            # A bug in the fake should read as a server error, not as a lost answer.
            reply = fake._reject(500, [error(f"fake SendGrid failed: {exc!r}")])
        if fake.delay_seconds and fake._stopping.wait(fake.delay_seconds):
            reply = reply._replace(drop=True)
        if reply.drop:
            self.close_connection = True
            return
        try:
            self._send(reply)
        except OSError:
            # The client gave up (timeout) before the answer; SendGrid's outcome stands.
            self.close_connection = True

    def _not_allowed(self) -> None:
        self._send(_Reply(405, [("Allow", "POST")], _error_body([error("method not allowed")])))

    do_GET = do_PUT = do_PATCH = do_DELETE = _not_allowed


def build_personalization_payload(
    emails: list[str], *, subject: str = "Panel bulletin", sender: str = "panel@example.org"
) -> dict[str, Any]:
    """A valid Mail Send body with one personalization per address, shaped like the mailer's."""
    return {
        "from": {"email": sender, "name": "Citizens' Panel"},
        "subject": subject,
        "content": [
            {"type": "text/plain", "value": "Hello -first_name-, see -survey_url-"},
            {
                "type": "text/html",
                "value": "<p>Hello -first_name-, <a href=-survey_url->go</a></p>",
            },
        ],
        "personalizations": [
            {
                "to": [{"email": email}],
                "substitutions": {
                    "-first_name-": f"Member {i}",
                    "-survey_url-": f"https://x/s/{i}",
                },
                "custom_args": {"outbox_id": str(i)},
                "headers": {
                    "List-Unsubscribe": f"<https://panel.example.org/u/{i}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            }
            for i, email in enumerate(emails)
        ],
    }


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or SIGINT, for tests that run the fake in its own process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, help="append accepted personalizations as JSONL")
    parser.add_argument("--ready-file", type=Path, help="write the URL here once listening")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    parser.add_argument("--api-key", help="accept only this key (any Bearer key otherwise)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--rate-limit-every", type=int, default=0, help="429 every Nth request")
    parser.add_argument("--fail-next", type=int, default=0, help="fail the first N requests")
    parser.add_argument("--fail-status", type=int, default=429)
    parser.add_argument("--retry-after", type=float)
    parser.add_argument("--drop-next", type=int, default=0, help="accept, then hang up, N times")
    args = parser.parse_args(argv)

    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    fake = FakeSendGrid(
        host=args.host,
        port=args.port,
        max_bytes=args.max_bytes,
        api_key=args.api_key,
        rate_limit_every=args.rate_limit_every,
        delay_seconds=args.delay,
        log_path=args.log,
    )
    fake.fail_next(args.fail_next, args.fail_status, args.retry_after)
    fake.drop_next(args.drop_next)
    if args.ready_file:
        # Renamed into place so a polling reader never sees a half-written URL.
        partial = args.ready_file.with_name(args.ready_file.name + ".partial")
        partial.write_text(fake.url + "\n")
        os.replace(partial, args.ready_file)
    print(fake.url, flush=True)
    while not done.wait(0.5):
        pass
    fake.stop()


if __name__ == "__main__":
    main()
