"""Jinja set-up: our templates first, then the NHS.UK frontend macros; filters for local time."""

from __future__ import annotations

from collections import ChainMap
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask.templating import Environment
from flask_login import current_user
from jinja2 import BytecodeCache, ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from jinja2.bccache import Bucket

from panel import i18n
from panel.auth.access import ALL_STAFF
from panel.auth.models import Role
from panel.component_cache import kept_component
from panel.nhsuk_attributes import nhsuk_attributes


class _TemplateGlobals(ChainMap):
    """A template's globals over the environment's. Jinja checks, at every `{% from ... import %}`
    (each NHS.UK component does several per call), which globals the importing template has that
    the imported one lacks; on a plain ChainMap that set difference runs key by key in Python,
    about a tenth of a page's render time. As a set it runs in C."""

    def keys(self):  # type: ignore[override]
        return set().union(*self.maps)


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory and shared by every app made in this process. Jinja
    keys each by name and a checksum of its source, so an edited template compiles again. A web
    worker builds one app, so this changes nothing there; the tests build an app per test, and
    compiling the same templates again for each was a large share of the suite's time."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket from memory if this template was compiled before."""
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a freshly compiled template."""
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()

#: What a plain dict has as attributes (items, get, keys...): Jinja's `d.name` gives these first.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class PanelEnvironment(Environment):
    """Flask's Jinja environment with the faster globals map and the shared compiled templates.
    create_app sets it before anything creates the app's environment."""

    def __init__(self, app: Flask, **options) -> None:
        options.setdefault("bytecode_cache", COMPILED_TEMPLATES)
        super().__init__(app, **options)

    def getattr(self, obj, attribute):
        """`params.text` in the NHS.UK macros, whose parameters are dicts: Jinja tries the
        attribute, catches the AttributeError, then tries the key, which was about a tenth of a
        form page's render time. For a plain dict go to the key at once; the result is the
        same, since a dict's own attributes still come first."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def make_globals(self, d):
        """A template's globals: its own over the environment's (see _TemplateGlobals)."""
        return _TemplateGlobals(d if d is not None else {}, self.globals)


def init_app(app: Flask) -> None:
    """Set up the template loaders, filters and globals."""
    # template-with-imports.jinja extends "template.jinja", hence the second package loader.
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PackageLoader("nhsuk_frontend_jinja"),
            PackageLoader("nhsuk_frontend_jinja", package_path="templates/nhsuk"),
        ]
    )
    # Flask escapes only .html/.xml templates; the NHS.UK macros are .jinja files and the email
    # text parts .txt, so without this every text handed to a macro was printed raw (issue 16).
    # Escaping everywhere is the default; sanitised Markdown is the one thing marked safe.
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["choice_items"] = choice_items
    app.jinja_env.globals["nhsuk_attributes"] = nhsuk_attributes
    app.jinja_env.globals["kept_component"] = kept_component
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["thousands"] = lambda n: f"{n:,}" if n is not None else ""
    app.jinja_env.filters["percent"] = lambda r: f"{r:.1%}" if r is not None else "no base"
    app.context_processor(_layout_context)


def choice_items(field, selected_key: str) -> list[dict]:
    """NHS.UK radios/checkboxes/select items from a WTForms choice field."""
    return [
        {"value": value, "text": label, selected_key: selected}
        for value, label, selected, _attrs in field.iter_choices()
    ]


def local_zone() -> ZoneInfo:
    """The app's local time zone."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_datetime(value: datetime | None) -> str:
    """'23 November 2026, 2:05pm' in the ICB's time zone (in the page's language: '23
    listopada 2026, 14:05' in Polish)."""
    if value is None:
        return ""
    return i18n.format_day_and_time(value.astimezone(local_zone()))


def local_date(value: date | datetime | None) -> str:
    """A date (or datetime, in local time) written out for people, in the page's language."""
    if value is None:
        return ""
    # A datetime (a date has no astimezone) is read in local time first; duck-typed, as the
    # email sweep in tests/security/test_injection.py passes stand-ins for dates.
    day = value.astimezone(local_zone()) if hasattr(value, "astimezone") else value
    return i18n.format_day(day)


def staff_navigation() -> list[dict]:
    """The staff menu, filtered by role, with the current section marked."""
    if not current_user.is_authenticated:
        return []
    items = [
        ("staff_home.index", "Home", None),
        ("members.index", "Members", {Role.COMMS, Role.PLACE}),
        ("segments.index", "Segments", None),
        ("places.index", "Places", {Role.COMMS}),
        ("staff_admin.index", "Staff", {Role.COMMS}),
        ("partner_admin.index", "Partners", {Role.COMMS}),
        ("audit.index", "Audit log", {Role.COMMS}),
        ("api_keys.index", "API keys", {Role.COMMS}),
        ("webhook_endpoints.index", "Webhooks", {Role.COMMS}),
        ("surveys.index", "Surveys", None),
        ("bulletins.index", "Bulletins", None),
        ("decision_register.index", "Decisions", None),
        ("insights.index", "Insight", None),
        ("assurance.dashboard", "Assurance", None),
        ("panel_health.index", "Panel health", {Role.OBSERVER}),
        ("mailer.outbox", "Outbox", {Role.COMMS}),
        # a partner account's own pages (issue 24): nothing else is offered to a partner
        ("partner.home", "Your organisation", {Role.PARTNER}),
        ("partner.reports", "Insight reports", {Role.PARTNER}),
        ("partner_webhooks.index", "Webhooks", {Role.PARTNER}),
    ]
    current = request.endpoint or ""
    nav = []
    for endpoint, text, roles in items:
        if current_user.role in (ALL_STAFF if roles is None else roles):
            section = endpoint.split(".")[0]
            nav.append(
                {
                    "href": url_for(endpoint),
                    "text": text,
                    "current": current.split(".")[0] == section,
                }
            )
    return nav


def _layout_context() -> dict:
    return {"staff_navigation": staff_navigation}
