"""Filter forms say nothing until they are used: every GET page of the app, loaded with no query
string, anonymously and as each staff role, shows no error message; a bad value sent through a
filter still gets a message next to its field.

Pages are taken from the app's url_map (through the crawl of test_reads_never_write), so a new
page with a filter form is checked without touching this file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from panel.auth.models import Role, StaffUser
from surveys.models import Survey
from tests.security.test_reads_never_write import _public_urls
from tests.security.world import build_world, sign_in_staff, staff_urls

ERROR_MARKS = ("nhsuk-error-message", "nhsuk-error-summary", "Not a valid choice")
GET_FORM = re.compile(r"<form[^>]*method=\"get\"", re.IGNORECASE)
#: the pages with a GET filter form today; the crawl must reach each (more may be added).
FILTER_PAGES = {
    "engagement.index",
    "results.overview",
    "results.comment_list",
    "members.index",
    "audit.index",
}


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_BACKEND": "outbox"}


def _errors_on(html: str) -> list[str]:
    return [mark for mark in ERROR_MARKS if mark in html]


def test_no_page_shows_an_error_before_anything_is_submitted(app, session):
    """Every GET page with no query string, as anonymous and as each staff role."""
    build_world(app, session, poisoned=False)
    outbox = sorted(p.name for p in Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    clients = [("anonymous", app.test_client(), _public_urls(app, session))]
    for role in Role:
        user = session.scalar(sa.select(StaffUser).where(StaffUser.role == role))
        clients.append((role.value, sign_in_staff(app, user), staff_urls(app, session, outbox)))

    with_filters: set[str] = set()
    shown: dict[str, list[str]] = {}
    for who, client, urls in clients:
        for url in (u for u in urls if "?" not in u):
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            html = response.text
            if GET_FORM.search(html):
                with_filters.add(_endpoint(app, url))
            if found := _errors_on(html):
                shown[f"{who} {url}"] = found

    assert shown == {}
    assert with_filters >= FILTER_PAGES, FILTER_PAGES - with_filters


def _endpoint(app, url: str) -> str:
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return app.url_map.bind("localhost").match("/" + path, method="GET")[0]


@pytest.mark.parametrize(
    ("endpoint", "query", "message"),
    [
        ("engagement.index", "place=nowhere&topic=&year=", "Not a valid choice"),
        ("engagement.index", "year=1066", "Not a valid choice"),
        ("results.overview", "place=999999&by=place", "Not a valid choice"),
        ("results.overview", "submitted_from=31/02/2024", ""),
        ("results.comment_list", "q=" + "x" * 201, "Enter 200 characters or fewer"),
        ("members.index", "status=nobody", "Not a valid choice"),
        ("members.index", "place_id=abc", ""),
    ],
)
def test_a_bad_filter_value_is_named_next_to_its_field(app, session, endpoint, query, message):
    """After submitting, a value the filter cannot take is a message, never an error page."""
    build_world(app, session, poisoned=False)
    user = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    client = sign_in_staff(app, user)
    survey = session.scalar(sa.select(Survey).order_by(Survey.id))
    path = {
        "engagement.index": "/engagement/",
        "results.overview": f"/staff/surveys/{survey.id}/results",
        "results.comment_list": f"/staff/surveys/{survey.id}/results/comments",
        "members.index": "/staff/members/",
    }[endpoint]
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert "nhsuk-error-message" in response.text
    assert message in response.text


def test_a_link_that_sets_some_filters_leaves_the_others_empty_not_wrong(app, session):
    """A filter left out of the query string is empty: only the ones sent are checked."""
    build_world(app, session, poisoned=False)
    client = sign_in_staff(
        app, session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    )
    survey = session.scalar(sa.select(Survey).order_by(Survey.id))
    for path in (
        f"/staff/surveys/{survey.id}/results?by=age_band",
        "/engagement/?topic=",
        "/staff/members/?status=active",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert _errors_on(response.text) == [], path
