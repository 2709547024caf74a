"""Every file the app offers downloads and reads back whole, as every role that may have it:
CSV, JSON, PDF, XLSX and ZIP (and each file inside), through a client that runs each request as
a real server does (the request's database session is closed before the body is read). Other
roles get 403, never a 500, and a place team's files hold 0 rows of other places ("Correct
numbers" item 7; quality bars 3, 4 and 8).

Downloads are found in the URL map: a route whose path ends in a download file extension
(panel.downloads.DOWNLOAD_TYPES) is a download, and a crawl of every staff page checks that no
other route answers with a file, so a new download is covered here without listing it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from panel.auth.models import Role, StaffUser
from panel.downloads import DOWNLOAD_TYPES
from panel.places.models import Place
from tests.clients import server_like_client
from tests.role_matrix import STAFF_ROUTES
from tests.security.world import build_world_with_place_records, sign_in_staff, staff_urls

SUFFIXES = tuple(f".{extension}" for extension in DOWNLOAD_TYPES)
#: downloads outside the staff pages, each tested below as the person it belongs to.
MEMBER_DOWNLOADS = {"member_area.your_data_json"}
#: a partner account's own files (the comms team is refused them; tests/surveys/
#: test_partner_reports.py downloads them as the partner and as another organisation).
PARTNER_DOWNLOADS = {"partner.report_file"}
#: public documents that are not files to save: the API's OpenAPI document.
PUBLIC_DOCUMENTS = {"api-docs.openapi_json"}
#: the downloads there are today; the URL map must still offer at least these.
KNOWN_DOWNLOADS = {
    "members.export",
    "segments.export_selection",
    "surveys.export",
    "surveys.snapshot",
    "results.crosstab_download",
    "results.export_responses",
    "reports.report_pdf",
    "reports.evidence_pack",
    "bulletin_stats.bulletin_csv",
    "member_area.your_data_json",
    "annual_report.download_markdown",
    "annual_report.download_html",
}


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_BACKEND": "outbox"}


@pytest.fixture
def world(app, session):
    """The demo panel, what it lacks, and a survey and bulletin of the place team's own."""
    build_world_with_place_records(app, session)


def download_rules(app) -> list:
    """Every route whose path names a file of a download type."""
    return [rule for rule in app.url_map.iter_rules() if rule.rule.endswith(SUFFIXES)]


def _endpoint(app, url: str, method: str) -> str:
    adapter = app.url_map.bind(urlsplit(app.config["PUBLIC_BASE_URL"]).netloc)
    return adapter.match(urlsplit(url).path, method=method)[0]


def _staff_downloads(app, session) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) of every staff download, with real record ids filled in."""
    found = []
    for method in ("GET", "POST"):
        endpoints = {
            rule.endpoint
            for rule in download_rules(app)
            if method in rule.methods and rule.rule.startswith("/staff")
        }
        for url in staff_urls(app, session, [], method=method, endpoints=endpoints):
            found.append((method, url, _endpoint(app, url, method)))
    return found


# -- reading a file back whole -----------------------------------------------------------------


def read_file(name: str, body: bytes) -> list[list[list[str]]]:
    """Parse a downloaded file completely, by its name; return its tables (rows of cells)."""
    extension = name.rpartition(".")[2]
    if extension == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
        assert rows and rows[0], f"{name}: no header"
        return [rows]
    if extension == "json":
        json.loads(body.decode("utf-8"))
        return []
    if extension == "md":
        assert body.decode("utf-8").lstrip().startswith("#"), f"{name}: no heading"
        return []
    if extension == "htm":
        text = body.decode("utf-8")
        assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>"), name
        return []
    if extension == "pdf":
        assert body.startswith(b"%PDF-") and b"%%EOF" in body[-1024:], name
        pages = PdfReader(io.BytesIO(body)).pages
        assert len(pages) >= 1 and pages[0].extract_text().strip(), f"{name}: no text"
        return []
    if extension == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        tables = [
            [
                ["" if cell is None else str(cell) for cell in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            for sheet in book.worksheets
        ]
        assert tables and all(tables), f"{name}: an empty sheet"
        return tables
    if extension == "zip":
        return _read_zip(name, body)
    raise AssertionError(f"{name}: a file type this test cannot read")


def _read_zip(name: str, body: bytes) -> list[list[list[str]]]:
    tables = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None, f"{name}: a damaged member"
        members = archive.namelist()
        assert members, f"{name}: empty"
        for member in members:
            data = archive.read(member)
            if member.endswith(".sha256"):
                _check_manifest(archive, data.decode("ascii"), members)
            else:
                tables += read_file(member, data)
    return tables


def _check_manifest(archive: zipfile.ZipFile, manifest: str, members: list[str]) -> None:
    listed = {}
    for line in manifest.splitlines():
        digest, member = line.split("  ", 1)
        listed[member] = digest
    assert set(listed) == {m for m in members if not m.endswith(".sha256")}
    for member, digest in listed.items():
        assert hashlib.sha256(archive.read(member)).hexdigest() == digest, member


def other_places(tables: list[list[list[str]]], mine: set[str], every: set[str]) -> list[str]:
    """Places other than ``mine`` named in a place column, a cross-tab's place columns or a
    figures row ("place: X")."""
    found = []
    for rows in tables:
        header = rows[0]
        if "place" in header:
            column = header.index("place")
            found += [row[column] for row in rows[1:] if len(row) > column and row[column]]
        for row in rows:
            if row and row[0] == "Answer":
                found += [cell for cell in row[1:] if cell in every]
            elif row and row[0].startswith("place: "):
                found.append(row[0].removeprefix("place: "))
    return [name for name in found if name not in mine]


def _file_problems(url: str, response) -> list[str]:
    disposition = response.headers.get("Content-Disposition", "")
    if not disposition.startswith("attachment; filename="):
        return [f"not an attachment: {disposition!r}"]
    filename = disposition.split("filename=", 1)[1].strip('"')
    extension = filename.rpartition(".")[2]
    problems = []
    if not urlsplit(url).path.endswith(f".{extension}"):
        problems.append(f"file {filename} from a path of another type")
    if response.mimetype != DOWNLOAD_TYPES.get(extension):
        problems.append(f"{filename} served as {response.mimetype}")
    return problems


# -- the tests -----------------------------------------------------------------------------------


def test_the_url_map_offers_every_known_download(app):
    found = {rule.endpoint for rule in download_rules(app)}
    assert found >= KNOWN_DOWNLOADS
    outside_staff = {r.endpoint for r in download_rules(app) if not r.rule.startswith("/staff")}
    assert outside_staff == MEMBER_DOWNLOADS | PUBLIC_DOCUMENTS, (
        "test a download outside the staff pages below"
    )


@pytest.mark.parametrize("role", [Role.COMMS, Role.PLACE, Role.OBSERVER])
def test_every_download_reads_back_whole_for_each_role_that_may_have_it(app, session, world, role):
    user = session.scalar(sa.select(StaffUser).where(StaffUser.role == role))
    mine = {place.name for place in user.places} if role is Role.PLACE else None
    every = set(session.scalars(sa.select(Place.name)))
    client = sign_in_staff(app, user, like_a_server=True)
    downloads = _staff_downloads(app, session)
    staff_rules = [r for r in download_rules(app) if r.rule.startswith("/staff")]
    # Every download in the URL map is tried, each with real record ids (several where the
    # panel has several), and nothing else is.
    per_download = Counter(endpoint for _method, _url, endpoint in downloads)
    assert set(per_download) == {rule.endpoint for rule in staff_rules}
    assert len({url for _method, url, _endpoint in downloads}) == len(downloads)
    problems, statuses, rows_read = {}, defaultdict(set), 0
    for method, url, endpoint in downloads:
        response = client.open(url, method=method)
        statuses[endpoint].add(response.status_code)
        if role not in STAFF_ROUTES[endpoint]:
            if response.status_code != 403:
                problems[url] = [f"status {response.status_code} for a role not allowed"]
            continue
        if response.status_code == 404 and role is Role.PLACE:
            continue  # another place's record looks missing
        if response.status_code != 200:
            problems[url] = [f"status {response.status_code}"]
            continue
        found = _file_problems(url, response)
        tables = read_file(urlsplit(url).path, response.get_data())
        rows_read += sum(len(rows) for rows in tables)
        if mine is not None:
            found += [f"a row of {name}" for name in other_places(tables, mine, every)[:3]]
        if found:
            problems[url] = found
    assert problems == {}
    allowed = {e for e in statuses if role in STAFF_ROUTES[e]}
    assert [e for e in sorted(allowed) if 200 not in statuses[e]] == [], "nothing to download"
    assert rows_read > (100 if role is Role.OBSERVER else 300), rows_read


def test_only_routes_named_as_files_answer_with_a_file(app, session, world):
    comms = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    client = sign_in_staff(app, comms, like_a_server=True)
    named = {r.endpoint for r in download_rules(app) if "GET" in r.methods}
    answered_with_files, failures = set(), {}
    for url in staff_urls(app, session, []):
        response = client.get(url)
        if response.status_code >= 500:
            failures[url] = response.status_code
        if "attachment" in response.headers.get("Content-Disposition", ""):
            answered_with_files.add(_endpoint(app, url, "GET"))
    assert failures == {}
    not_for_comms = MEMBER_DOWNLOADS | PUBLIC_DOCUMENTS | PARTNER_DOWNLOADS
    assert answered_with_files == {e for e in named if e not in not_for_comms}


def test_a_member_downloads_their_own_data_and_nobody_else_can(app, session, world):
    from panel.members.models import Member, MemberStatus
    from panel.members.services.links import magic_link_token

    member = session.scalar(
        sa.select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    )
    url = "/my-panel/your-data.json"
    assert server_like_client(app).get(url).status_code == 302  # anonymous: to sign in
    comms = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    assert sign_in_staff(app, comms, like_a_server=True).get(url).status_code == 302
    client = server_like_client(app)
    client.post(f"/my-panel/link/{magic_link_token(member)}")
    response = client.get(url)
    assert response.status_code == 200 and _file_problems(url, response) == []
    read_file(url, response.get_data())
    assert member.email in response.get_data(as_text=True)
