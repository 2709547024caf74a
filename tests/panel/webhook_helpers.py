"""A loopback webhook receiver (a tiny threaded HTTP server) and an endpoint pointing at it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from panel.auth.models import Role
from panel.domain_events import EventType
from panel.webhooks.services import EndpointFields, create_endpoint
from tests.factories import make_staff

EVERY_EVENT = [kind.value for kind in EventType]


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next status of ``answers`` (then 200) and keeps what came."""

    url: str
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    extra_headers: dict[int, dict[str, str]] = field(default_factory=dict)


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    """A receiver on a free loopback port; shut the server down when done."""
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server hook's name)
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = receiver.answers.pop(0) if receiver.answers else 200
            self.send_response(status)
            for name, value in receiver.extra_headers.get(status, {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks?source=panel"
    return receiver, server


def loopback_endpoint(session, url: str, now, *, events=None, place_id=None, **fields):
    """An endpoint at ``url`` (loopback allowed), made by a comms user; returns it and its
    secret."""
    values = {
        "organisation": "Healthwatch Blackpool",
        "name": "Website",
        "url": url,
        "contact_email": "digital@healthwatch.example.org",
        "event_types": events or EVERY_EVENT,
        "place_id": place_id,
        **fields,
    }
    return create_endpoint(
        session, make_staff(session, Role.COMMS), EndpointFields(**values), now,
        allow_loopback=True,
    )  # fmt: skip
