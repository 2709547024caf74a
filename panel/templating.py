"""Jinja set-up: our templates first, then the NHS.UK frontend macros; filters for local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from panel.auth.models import Role


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
    """'23 November 2026, 2:05pm' in the ICB's time zone."""
    if value is None:
        return ""
    local = value.astimezone(local_zone())
    return f"{local.day} {local:%B %Y}, {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def local_date(value: datetime | None) -> str:
    """A date (or datetime, in local time) written out for people."""
    if value is None:
        return ""
    local = value.astimezone(local_zone()) if isinstance(value, datetime) else value
    return f"{local.day} {local:%B %Y}"


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
        ("audit.index", "Audit log", {Role.COMMS}),
        ("surveys.index", "Surveys", None),
        ("bulletins.index", "Bulletins", None),
        ("decision_register.index", "Decisions", None),
        ("assurance.dashboard", "Assurance", None),
        ("mailer.outbox", "Outbox", {Role.COMMS}),
    ]
    current = request.endpoint or ""
    nav = []
    for endpoint, text, roles in items:
        if roles is None or current_user.role in roles:
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
