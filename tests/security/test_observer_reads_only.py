"""Observers (committee members) read: every staff page they can open, crawled from the app's
url_map, offers no form that changes anything and no link or button to a page they may not use;
and they reach what they are meant to read (results, reports, published pages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException

from panel.auth.models import Role, StaffUser
from surveys.models import ResultsPage, Survey
from tests.role_matrix import STAFF_ROUTES
from tests.security.world import build_world, sign_in_staff, staff_urls

FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
METHOD = re.compile(r"method=\"?(\w+)", re.IGNORECASE)
ACTION = re.compile(r"action=\"([^\"]*)\"", re.IGNORECASE)
HREF = re.compile(r"href=\"(/staff[^\"#?]*)", re.IGNORECASE)
#: forms an observer may use: their own account and sign-in steps, and suggesting an item for
#: the bulletin (any staff member may; the comms team reviews it before it goes anywhere).
OWN_FORMS = {
    "auth.account",
    "auth.login",
    "auth.logout",
    "auth.request_reset",
    "auth.reset_password",
    "bulletins.contribute",
}


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_BACKEND": "outbox"}


def _endpoint(app, path: str) -> str | None:
    try:
        return app.url_map.bind("localhost").match(path, method="GET")[0]
    except HTTPException:
        return None


def _edit_controls(app, html: str) -> list[str]:
    """POST forms, and links to staff pages an observer may not open."""
    found = []
    for form in FORM.findall(html):
        method = METHOD.search(form)
        if method and method.group(1).lower() == "post":
            found.append(form)
    for path in HREF.findall(html):
        endpoint = _endpoint(app, path)
        if endpoint in STAFF_ROUTES and Role.OBSERVER not in STAFF_ROUTES[endpoint]:
            found.append(f"link to {path} ({endpoint})")
    return found


def test_no_page_an_observer_opens_offers_an_edit(app, session):
    """Every staff page, as an observer: nothing to submit that changes data."""
    build_world(app, session, poisoned=False)
    outbox = sorted(p.name for p in Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    observer = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.OBSERVER))
    client = sign_in_staff(app, observer)
    reached, offered = set(), {}
    for url in staff_urls(app, session, outbox):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
        endpoint = _endpoint(app, "/" + path)
        reached.add(endpoint)
        if endpoint in OWN_FORMS:
            continue
        if controls := _edit_controls(app, response.text):
            offered[url] = controls
    assert sorted(offered) == [], "\n".join(f"{u}: {c}" for u, c in offered.items())
    assert {"results.overview", "reports.report", "surveys.index", "staff_home.index"} <= reached


def test_an_observer_reads_the_report_results_and_published_pages(app, session):
    """The pages a committee member is there to read open, without edit controls."""
    build_world(app, session, poisoned=False)
    observer = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.OBSERVER))
    client = sign_in_staff(app, observer)
    published = session.scalar(
        sa.select(Survey)
        .join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(ResultsPage.published_at.is_not(None))
    )
    assert published is not None
    for path in (
        f"/staff/surveys/{published.id}/results",
        f"/staff/surveys/{published.id}/results/report",
        f"/engagement/{published.id}",
        "/engagement/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _edit_controls(app, response.text) == [], path
    overview = client.get(f"/staff/surveys/{published.id}/results").text
    assert f'href="/staff/surveys/{published.id}/results/report"' in overview
    assert (
        f'href="/staff/surveys/{published.id}/results"'
        in client.get(f"/staff/surveys/{published.id}").text
    )
    pdf = client.get(f"/staff/surveys/{published.id}/results/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
