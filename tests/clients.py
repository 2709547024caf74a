"""A test client whose requests run as a real server runs them.

The ``app`` fixture keeps one application context open for the whole test, and Flask reuses it
for every request the ordinary ``client`` makes, so Flask-SQLAlchemy's session is never closed
between requests and anything that depends on that closing goes unnoticed (the directory export
failed on every real server, never in the suite). Each request of a ``ServerLikeClient`` runs in
an empty context instead, as on a new server thread: it gets an application context and a
database session of its own, both ended when the response is returned, and the body is read
after that, as a WSGI server reads it.
"""

from __future__ import annotations

import contextvars

from flask.testing import FlaskClient


class ServerLikeClient(FlaskClient):
    """A Flask test client with each request in a context of its own; see the module."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # read the whole body now, after the request ended
        return contextvars.Context().run(super().open, *args, **kwargs)


def server_like_client(app) -> ServerLikeClient:
    """A ServerLikeClient for ``app`` that keeps cookies like a browser."""
    return ServerLikeClient(app, app.response_class, use_cookies=True)
