"""A live server with demo data and a real Chromium, with axe-core checks on every page visited."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from app.demo import create_demo_data
from panel.auth.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from panel.database import utcnow
from panel.extensions import db
from tests.conftest import ARTIFACTS, BASE_CONFIG, IN_CI, ON_POSTGRES, TEST_DATABASE_URL

CHROMIUM = "/usr/bin/chromium"
FULL_SCREENSHOTS = os.environ.get("PANEL_FULL_SCREENSHOTS") == "1"
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, database_template):
    """The real app, served over HTTP on loopback, on a database of its own with demo data."""
    kind, template, admin = database_template
    if kind == "sqlite":
        path = tmp_path_factory.mktemp("live") / "live.sqlite3"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
    else:
        name = f"panel_live_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = sa.engine.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(False)
    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": True,
            "OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
        }
    )
    with app.app_context():
        create_demo_data(db.session, utcnow())
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) or not AXE_SOURCE.exists():
        message = f"browser tests need {CHROMIUM} and {AXE_SOURCE} (run `make test`)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text()


#: Every violation in full; the passes and other results only as axe's one-node summary
#: (`resultTypes`), which is what took most of a check's time and none of its verdict.
AXE_VIOLATIONS = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    return result.violations.map((v) => [v.id, v.help, v.nodes.slice(0, 3).map((n) => n.target)]);
}"""


def _load_axe_on_every_page(context) -> None:
    """axe-core in every document the context opens, before its own scripts run: sent to the
    browser once per context rather than half a megabyte of script before every check."""
    if not getattr(context, "axe_loaded", False):
        context.add_init_script(script=_axe_source())
        context.axe_loaded = True


class PageChecker:
    """Visits pages, checks each with axe-core (WCAG 2.2 A/AA) and keeps a screenshot."""

    def __init__(self, page, base_url: str, label: str):
        self.page = page
        _load_axe_on_every_page(page.context)
        self.base_url = base_url
        self.label = label
        self.visited: list[str] = []

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, expect_status: int = 200):
        response = self.page.goto(self.url(path))
        assert response.status == expect_status, (path, response.status)
        self.check()
        return response

    def check(self) -> None:
        """Axe the current page and take its screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe_source())  # a page opened before its context had axe loaded
        violations = page.evaluate(AXE_VIOLATIONS, AXE_TAGS)
        assert violations == [], f"{page.url}: {violations}"
        slug = re.sub(r"[^a-z0-9]+", "-", page.url.split("//", 1)[1].split("/", 1)[-1].lower())
        if len(slug) > 120:  # long query strings: keep file names within the file system's limit
            slug = slug[:100] + "-" + hashlib.sha256(slug.encode()).hexdigest()[:12]
        shots = ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        db_name = "postgres" if ON_POSTGRES else "sqlite"
        # The visible part: a full-page picture of every page checked cost about 0.3 s a check
        # on this machine; PANEL_FULL_SCREENSHOTS=1 takes whole pages for a person to look over.
        page.screenshot(
            path=str(shots / f"{db_name}-{self.label}-{slug or 'home'}.png"),
            full_page=FULL_SCREENSHOTS,
        )
        self.visited.append(page.url)

    def no_horizontal_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        # The screen's width, not window.innerWidth: a mobile browser zooms out to fit content
        # that is too wide, so innerWidth grows with it and the comparison could never fail.
        viewport = self.page.viewport_size["width"]
        if width <= viewport:
            return
        # Name what sticks out, so that a failure says where to look.
        wide = self.page.evaluate(
            """(edge) => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > edge)
                .slice(0, 5).map((e) => `${e.tagName}.${e.className}`)""",
            viewport,
        )
        raise AssertionError(f"{self.page.url} scrolls sideways ({width} > {viewport}): {wide}")


def sign_in(checker: PageChecker, email: str) -> None:
    """Sign in through the real form with the demo password and a real TOTP code."""
    page = checker.page
    account = next(a for a in DEMO_ACCOUNTS if a.email == email)
    checker.goto("/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    checker.check()
    page.fill("#code", pyotp.TOTP(account.totp_secret).now())
    page.click("button:has-text('Continue')")
    page.wait_for_url(re.compile(r".*/staff/$"))
    checker.check()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield lambda label: PageChecker(context.new_page(), live_server.config["LIVE_URL"], label)
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    )
    yield lambda label: PageChecker(context.new_page(), live_server.config["LIVE_URL"], label)
    context.close()


@pytest.fixture(scope="session")
def staff_contexts(browser, live_server):
    """One signed-in browser context per role, for a staff user made for the browser tests (so no
    two tests reuse a demo account's authenticator code within its 30-second window)."""
    from panel.auth.models import Role, StaffUser
    from panel.auth.passwords import hash_password
    from panel.places.models import Place

    contexts = {}

    def get(role: Role):
        if role in contexts:
            return contexts[role]
        secret = pyotp.random_base32()
        email = f"browser-{role.value}@example.nhs.uk"
        with live_server.app_context():
            places = list(db.session.scalars(sa.select(Place).where(Place.code == "blackpool")))
            db.session.add(
                StaffUser(
                    email=email,
                    name=f"Browser {role.value}",
                    role=role,
                    password_hash=hash_password(DEMO_PASSWORD),
                    totp_secret=secret,
                    totp_confirmed_at=utcnow(),
                    places=places if role is Role.PLACE else [],
                )
            )
            db.session.commit()
            db.session.remove()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        base = live_server.config["LIVE_URL"]
        page.goto(base + "/staff/sign-in")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("button:has-text('Continue')")
        page.wait_for_url(re.compile(r".*/staff/$"))
        page.close()
        contexts[role] = context
        return context

    yield get
    for context in contexts.values():
        context.close()


@pytest.fixture
def staff_page(staff_contexts, live_server):
    """staff_page(role, label) -> a PageChecker on a new tab of that role's signed-in context."""
    return lambda role, label: PageChecker(
        staff_contexts(role).new_page(), live_server.config["LIVE_URL"], label
    )
