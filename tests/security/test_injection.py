"""No text a user writes ever reaches another person's page, email or download as markup
(issue 16 item 1, quality bar 7): autoescape everywhere, checked at the mechanism (every
template, every NHS.UK macro the project uses, every staff and public page for every role, every
email and every export) with a hundred known evasion payloads in every user-written column."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from panel.auth.models import Role, StaffUser
from surveys.open_data.datasets import DATASETS
from tests.security.html_audit import (
    injection_problems,
    plain_text_problems,
    response_problems,
)
from tests.security.payloads import PAYLOADS
from tests.security.world import (
    NOT_USER_TEXT,
    USER_TEXT,
    build_world,
    sign_in_staff,
    staff_urls,
    text_columns,
)

ATOM = "{http://www.w3.org/2005/Atom}"

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<b xss>x</b>\"' onmouseover=alert('xss') <script>alert('xss')</script>"


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_BACKEND": "outbox"}


def test_every_template_is_autoescaped_whatever_its_extension(app):
    names = app.jinja_env.list_templates()
    assert any(n.endswith(".jinja") for n in names) and any(n.endswith(".txt") for n in names)
    autoescape = app.jinja_env.autoescape
    unescaped = [n for n in names if not (autoescape(n) if callable(autoescape) else autoescape)]
    assert unescaped == []
    for name in ("emails/survey_invitation.txt", "nhsuk/components/label/template.jinja"):
        template = app.jinja_env.get_template(name)
        assert template.new_context({}).eval_ctx.autoescape, name


def test_only_sanitised_markdown_is_marked_safe():
    marked = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*")
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\|\s*safe\b|autoescape\s+false", line)
    ]
    assert marked == []
    python_markup = [
        f"{path.relative_to(ROOT)}"
        for package in ("panel", "surveys", "mailer")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"\bMarkup\(", path.read_text())
    ]
    # Sanitised Markdown, the NHS.UK attributes macro done in Python (it escapes every name
    # and value itself, as the macro it replaces did before its `| safe`), and the kept NHS.UK
    # components (the package's own templates rendered with autoescape on, as a macro call is).
    assert sorted(python_markup) == [
        "mailer/bulletins/markdown.py",
        "panel/component_cache.py",
        "panel/nhsuk_attributes.py",
    ]


def _hostile_params(text: str) -> dict:
    """Every text-bearing parameter of the NHS.UK components, set to ``text``."""
    item = {
        "text": text,
        "value": text,
        "hint": {"text": text},
        "label": {"text": text},
        "href": "/x?" + text,
        "conditional": None,
    }
    return {
        "text": text,
        "titleText": text,
        "descriptionText": text,
        "value": text,
        "id": "field",
        "name": "field",
        "idPrefix": "field",
        "placeholder": text,
        "label": {"text": text},
        "hint": {"text": text},
        "errorMessage": {"text": text},
        "fieldset": {"legend": {"text": text}},
        "items": [item, dict(item)],
        "errorList": [{"text": text, "href": "#field"}, {"text": text}],
        "service": {"text": text, "href": "/"},
        "logo": {"href": "/", "ariaLabel": text},
        "navigation": {"items": [{"text": text, "href": "/a"}]},
        "account": {"items": [{"text": text, "href": "/b", "icon": True}]},
        "copyright": {"text": text},
        "caption": text,
        "heading": text,
        "head": [{"text": text}],
        "rows": [[{"text": text}]],
        "prefix": text,
        "suffix": text,
        "summaryText": text,
        "titleId": "t",
        "visuallyHiddenText": text,
    }


def _macros_the_project_uses() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        found |= set(
            re.findall(
                r'from\s+"(nhsuk/components/[^"]+/macro\.jinja)"\s+import\s+(\w+)', path.read_text()
            )
        )
    return found


def test_every_nhsuk_macro_the_project_uses_escapes_every_text_parameter(app):
    macros = _macros_the_project_uses()
    assert len(macros) >= 8, macros
    for path, name in sorted(macros):
        template = app.jinja_env.from_string(
            f'{{% from "{path}" import {name} %}}{{{{ {name}(params) }}}}'
        )
        for payload in (HOSTILE, *PAYLOADS):
            html = template.render(params=_hostile_params(payload))
            assert injection_problems(html) == [], (name, payload)


def test_every_text_column_is_classified_as_user_written_or_not(app):
    columns = text_columns()
    assert columns - USER_TEXT - NOT_USER_TEXT == set(), "classify the new text columns"
    assert (USER_TEXT | NOT_USER_TEXT) - columns == set(), "remove columns that are gone"


# -- the poisoned panel -----------------------------------------------------------------------


def _fail_with(problems: dict[str, list[str]]) -> None:
    if problems:
        pytest.fail("\n".join(f"{url}: {found}" for url, found in problems.items()))


def _check_response(url: str, response) -> list[str]:
    if response.status_code >= 500:
        return [f"status {response.status_code}"]
    kind = response.mimetype
    body = response.get_data()
    if kind == "text/html":
        return response_problems(response)
    if kind == "application/json":
        return ["raw < in JSON"] if b"<" in body else []
    if kind == "text/csv":
        return _csv_problems(body.decode("utf-8-sig"), response)
    if kind == "application/zip":
        return _zip_problems(body)
    if kind == "application/pdf":
        return _pdf_problems(body)
    return []


def _csv_problems(text: str, response=None) -> list[str]:
    problems = []
    if response is not None and "attachment" not in response.headers.get("Content-Disposition", ""):
        problems.append("CSV not served as an attachment")
    for row in csv.reader(io.StringIO(text)):
        problems += [
            f"formula cell {cell[:30]!r}" for cell in row if cell[:1] and cell[0] in "=+-@\t\r"
        ]
    return problems


def _is_formula(cell) -> bool:
    """A cell a spreadsheet would run (quality bar 8)."""
    return isinstance(cell, str) and cell[:1] != "" and cell[0] in "=+-@\t\r"


def _pdf_problems(body: bytes) -> list[str]:
    return [
        f"PDF carries {marker!r}"
        for marker in (b"/JavaScript", b"/JS ", b"javascript:")
        if marker in body
    ]


def _zip_problems(body: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".csv"):
                problems += _csv_problems(data.decode("utf-8-sig"))
            elif name.endswith(".json"):
                problems += ["raw < in JSON"] if b"<" in data else []
            elif name.endswith(".html"):
                problems += injection_problems(data.decode())
            elif name.endswith(".pdf"):
                problems += _pdf_problems(data)
            elif name.endswith(".xlsx"):
                problems += _xlsx_problems(data)
    return problems


def _xlsx_problems(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    problems = []
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            problems += [f"formula cell {cell[:30]!r}" for cell in row if _is_formula(cell)]
    return problems


@pytest.mark.parametrize("role", list(Role))
def test_hostile_text_never_survives_as_markup_on_any_staff_page(app, session, role):
    build_world(app, session, poisoned=True)
    user = session.scalar(sa.select(StaffUser).where(StaffUser.role == role))
    client = sign_in_staff(app, user)
    outbox = sorted(p.name for p in Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    urls = staff_urls(app, session, outbox)
    problems, ok_pages = {}, 0
    for url in urls:
        response = client.get(url)
        found = _check_response(url, response)
        if found:
            problems[url] = found[:3]
        ok_pages += response.status_code == 200
    _fail_with(problems)
    # A partner is refused every ICB page; its own pages (home, reports, webhooks) still count.
    assert ok_pages > (5 if role == Role.PARTNER else 40), ok_pages


def _feed_problems(response, path: str = "/bulletins/feed.atom") -> dict[str, list[str]]:
    """The archive's Atom feed: well-formed XML whose titles and summaries hold no tag and whose
    entries' HTML holds no surviving markup."""
    feed = etree.fromstring(response.data, etree.XMLParser(resolve_entities=False))
    problems = []
    for entry in feed.iter(f"{ATOM}entry"):
        for name in ("title", "summary", "category"):
            for element in entry.iter(f"{ATOM}{name}"):
                problems += [
                    f"{name}: {found}"
                    for found in plain_text_problems(element.text or element.get("term") or "")
                ]
        problems += injection_problems(entry.findtext(f"{ATOM}content") or "")
    return {path: problems[:3]} if problems else {}


def test_hostile_text_never_survives_as_markup_on_public_pages(app, session):
    from mailer.bulletins.models import Bulletin
    from mailer.bulletins.rendering import view_token
    from panel.members.models import Member, MemberStatus
    from panel.members.services.links import magic_link_token, unsubscribe_token
    from surveys.fieldwork.models import OpenLink
    from surveys.fieldwork.tokens import PersonalLinks
    from surveys.models import Survey

    build_world(app, session, poisoned=True)
    member = session.scalar(
        sa.select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    )
    links = PersonalLinks(app.config["SECRET_KEY"])
    client = app.test_client()
    from surveys.decisions.models import DecisionRecord

    urls = ["/", "/engagement/", "/join", "/privacy", "/accessibility", "/cookies", "/decisions/"]
    urls += [f"/decisions/{d}" for d in session.scalars(sa.select(DecisionRecord.id))]
    for survey in session.scalars(sa.select(Survey)):
        token = links.make(survey.id, member.id)
        urls += [f"/engagement/{survey.id}", f"/s/{token}", f"/s/{token}/page/1"]
    urls += [f"/o/{link.code}" for link in session.scalars(sa.select(OpenLink))]
    from surveys.engagement_events.models import EngagementEvent

    registering = session.scalars(
        sa.select(EngagementEvent.id).where(EngagementEvent.registration_open.is_(True))
    ).all()
    assert registering, "the demo has an event open for registration"
    urls += [f"/events/{event_id}/register" for event_id in registering]
    urls += [f"/bulletins/view/{view_token(b)}" for b in session.scalars(sa.select(Bulletin))]
    urls += ["/bulletins/"] + [f"/bulletins/{b}" for b in session.scalars(sa.select(Bulletin.id))]
    urls += [f"/unsubscribe/{unsubscribe_token(member)}"]
    problems = _feed_problems(client.get("/bulletins/feed.atom"))
    problems.update(_feed_problems(client.get("/open-data/feed.atom"), "/open-data/feed.atom"))
    urls += ["/open-data/", "/open-data/dictionary"]
    urls += [f"/open-data/{slug}.{kind}" for slug in DATASETS for kind in ("csv", "json")]
    for url in urls:
        found = _check_response(url, client.get(url, follow_redirects=True))
        if found:
            problems[url] = found[:3]
    signed_in = client.post(f"/my-panel/link/{magic_link_token(member)}", follow_redirects=True)
    assert signed_in.status_code == 200
    for url in [
        "/my-panel/",
        "/my-panel/details",
        "/my-panel/equality",
        "/my-panel/your-data",
        "/my-panel/your-data.json",
        "/my-panel/emails",
        "/my-panel/pause",
        "/my-panel/leave",
    ]:
        found = _check_response(url, client.get(url))
        if found:
            problems[url] = found[:3]
    _fail_with(problems)
    assert session.scalar(sa.select(sa.func.count()).select_from(OpenLink)) >= 1


def test_hostile_text_never_survives_as_markup_in_emails(app, session):
    from mailer.bulletins.models import Bulletin
    from mailer.bulletins.rendering import render_for_person, render_with_tags
    from mailer.models import OutboundEmail

    build_world(app, session, poisoned=True)
    emails = list(session.scalars(sa.select(OutboundEmail)))
    assert len(emails) > 5, "the world should have sent invitations"
    rendered = [(e.subject, e.text_body, e.html_body) for e in emails]
    for bulletin in session.scalars(sa.select(Bulletin)):
        for made in (render_with_tags(bulletin), render_for_person(bulletin, HOSTILE, None)):
            rendered.append((made.subject, made.text_body, made.html_body))
    problems = []
    for subject, text, html in rendered:
        problems += injection_problems(html, allow_styles=True)
        problems += plain_text_problems(subject) + plain_text_problems(text)
    assert problems == []


class _Hostile(str):
    """Stands in for any value in an email template: every attribute, item and string of it is
    hostile text, and it behaves as a date where a template formats one."""

    def __new__(cls, text=HOSTILE):
        return super().__new__(cls, text)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Hostile(str(self))

    def __getitem__(self, key):
        return _Hostile(str(self))

    def __iter__(self):
        return iter([_Hostile(str(self))])

    def __call__(self, *args, **kwargs):
        return _Hostile(str(self))

    def astimezone(self, zone=None):
        return datetime(2026, 12, 1, 12, tzinfo=UTC).astimezone(zone)


def test_every_email_template_escapes_every_value_in_both_parts(app):
    from jinja2 import meta

    from mailer.rendering import render_email

    names = sorted(
        p.stem for p in (ROOT / "templates" / "emails").glob("*.txt") if not p.stem.startswith("_")
    )
    assert len(names) >= 10
    with app.test_request_context():
        for name in names:
            context = {}
            for suffix in ("txt", "html"):
                source = app.jinja_env.loader.get_source(app.jinja_env, f"emails/{name}.{suffix}")
                parsed = app.jinja_env.parse(source[0])
                for variable in meta.find_undeclared_variables(parsed):
                    context[variable] = _Hostile()
            for payload in (HOSTILE, *PAYLOADS[::7]):
                made = render_email(name, {k: _Hostile(payload) for k in context})
                assert injection_problems(made.html_body, allow_styles=True) == [], name
                assert plain_text_problems(made.text_body + made.subject) == [], name


def test_json_downloads_escape_markup_characters(app, session):
    comms = build_world(app, session, poisoned=True)
    client = sign_in_staff(app, comms)
    from surveys.models import Survey

    for survey in session.scalars(sa.select(Survey)):
        body = client.get(f"/staff/surveys/{survey.id}/export.json").get_data()
        assert b"<" not in body and b">" not in body
        assert json.loads(body)["title"] == survey.title


def test_plain_text_parts_read_as_typed_but_carry_no_tags():
    from markupsafe import escape

    from mailer.rendering import plain_text

    assert plain_text(str(escape('O\'Brien & "Q&A"'))) == 'O\'Brien & "Q&A"'
    assert plain_text(str(escape("<b>x</b>"))) == "&lt;b&gt;x&lt;/b&gt;"
    assert plain_text(str(escape("&#39; &amp;"))) == "&#39; &amp;"
