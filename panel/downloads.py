"""Every file the app hands out goes through here: sent as an attachment, never cached, and when
it is made row by row as it is sent, made in a database session of its own.

Why a session of its own: Flask ends the request (and Flask-SQLAlchemy closes its session) as
soon as the view returns, before the server reads the first byte of a streamed body. Flask's
``stream_with_context`` brings back the request and ``g`` but not that session, so anything
loaded during the request (``current_user`` first of all) is detached by then and the export
fails part-way, after its audit row was already committed. So a streamed file is produced from
plain values (ids, filters) in a session opened when the first byte is wanted, and whatever it
records (its audit row) is committed only once the last row is made, just before that row is
sent: a file that fails part-way, or that the client abandons, leaves no audit row behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from flask import Response
from sqlalchemy.orm import Session

from panel.extensions import db

#: the media types of the files staff and members can download, by extension.
DOWNLOAD_TYPES = {
    "csv": "text/csv",
    "md": "text/markdown",
    "htm": "text/html",
    "json": "application/json",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_SAFE_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _headers(filename: str, extra: dict[str, str] | None) -> tuple[str, dict[str, str]]:
    extension = filename.rpartition(".")[2]
    if not _SAFE_FILENAME.fullmatch(filename) or extension not in DOWNLOAD_TYPES:
        raise ValueError(f"not a download file name: {filename!r}")
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        # Personal data: never kept by a browser or a shared cache.
        "Cache-Control": "no-store",
        **(extra or {}),
    }
    return DOWNLOAD_TYPES[extension], headers


def attachment(body: bytes | str, filename: str, headers: dict[str, str] | None = None) -> Response:
    """A finished file as a download; its media type follows from the file name's extension.

    Build the body (and record any audit row) before calling this and commit after, so a file
    that could not be made is never recorded as exported. Raises ValueError for a file name
    that is not a plain name with a known extension.
    """
    mimetype, all_headers = _headers(filename, headers)
    return Response(body, mimetype=mimetype, headers=all_headers)


def streamed_attachment(
    produce: Callable[[Session], Iterable[str | bytes]], filename: str
) -> Response:
    """A file made chunk by chunk as it is sent, by ``produce(session)`` in a session of its own.

    ``produce`` must take only plain values (ids, filters, settings), never objects loaded in
    the request, which are detached by the time it runs. What it adds to the session (its audit
    row) is committed after it has made its last chunk and before that chunk is sent; if it
    raises, or the client goes away, the session is rolled back. Raises ValueError for a file
    name that is not a plain name with a known extension.
    """
    mimetype, headers = _headers(filename, None)
    engine = db.engine  # read now: there is no application context once streaming starts

    def body() -> Iterator[str | bytes]:
        held = None
        with Session(engine) as session:
            for chunk in produce(session):
                if held is not None:
                    yield held
                held = chunk
            session.commit()
        if held is not None:
            yield held

    return Response(body(), mimetype=mimetype, headers=headers)
