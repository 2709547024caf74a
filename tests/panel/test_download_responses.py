"""panel.downloads: a streamed file is made in a session of its own after the request has ended,
and what it records is committed only when its last piece is made, just before that piece goes
out; a finished file is an attachment whose type follows from its name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.audit.services import record_audit
from panel.downloads import attachment, streamed_attachment


def _events(session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def _produce(pieces: list[str], *, fail_after: int | None = None):
    def produce(session):
        for number, piece in enumerate(pieces):
            if number == fail_after:
                raise RuntimeError("failed part-way")
            yield piece
        record_audit(session, None, "test.download", "nothing", [], "the whole file was made")

    return produce


@pytest.fixture
def producer(app) -> dict:
    """Gives the app a route /stream.csv streaming whatever the test puts under "produce"."""
    chosen: dict = {}
    app.add_url_rule(
        "/stream.csv", "stream", lambda: streamed_attachment(chosen["produce"], "stream.csv")
    )
    return chosen


def test_what_a_streamed_file_records_is_committed_before_its_last_piece_goes_out(
    producer, session, server_client
):
    producer["produce"] = _produce(["a,b\r\n", "1,2\r\n", "3,4\r\n"])
    response = server_client.get("/stream.csv", buffered=False)
    assert response.headers["Content-Disposition"] == 'attachment; filename="stream.csv"'
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    pieces = response.iter_encoded()
    assert [next(pieces), next(pieces)] == [b"a,b\r\n", b"1,2\r\n"]
    assert _events(session) == 0  # not yet: the file is not whole
    assert next(pieces) == b"3,4\r\n"
    assert _events(session) == 1  # recorded before the last piece was handed over
    response.close()


def test_a_streamed_file_that_fails_part_way_records_nothing(producer, session, server_client):
    producer["produce"] = _produce(["a\r\n", "1\r\n", "2\r\n"], fail_after=2)
    with pytest.raises(RuntimeError, match="part-way"):
        server_client.get("/stream.csv")
    assert _events(session) == 0


def test_a_streamed_file_abandoned_by_the_client_records_nothing(producer, session, server_client):
    producer["produce"] = _produce(["a\r\n", "1\r\n", "2\r\n"])
    response = server_client.get("/stream.csv", buffered=False)
    assert next(response.iter_encoded()) == b"a\r\n"
    response.close()
    assert _events(session) == 0


def test_a_finished_file_takes_its_type_from_its_name_and_refuses_odd_names(app):
    with app.test_request_context():
        pdf = attachment(b"%PDF-", "report-1.pdf", headers={"X-Content-SHA256": "ab"})
        assert pdf.mimetype == "application/pdf" and pdf.headers["X-Content-SHA256"] == "ab"
        assert pdf.headers["Content-Disposition"] == 'attachment; filename="report-1.pdf"'
        for name in ('a".csv', "a\r\nX: y.csv", "report.exe", "../x.csv", "noextension"):
            with pytest.raises(ValueError):
                attachment(b"", name)


def test_files_are_sent_only_through_panel_downloads():
    # A streamed body outside panel.downloads would read the request's session after Flask
    # closed it; a hand-made Content-Disposition would skip the checks above.
    root = Path(__file__).resolve().parents[2]
    elsewhere = [
        str(path.relative_to(root))
        for package in ("panel", "surveys", "mailer")
        for path in (root / package).rglob("*.py")
        if path != root / "panel" / "downloads.py"
        and re.search(r"stream_with_context|Content-Disposition", path.read_text())
    ]
    assert elsewhere == []
