"""Interface languages (issue 23): which language a resident's page or a member's email is in.

Resident pages and member emails are translated through Flask-Babel's gettext catalogues in
``translations/``; staff pages stay English. On a resident page the language is, in order: a
choice made with the language links (``?lang=`` on any resident page, then remembered in a
cookie), the signed-in member's preferred language, the browser's Accept-Language, English.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, gettext, ngettext, refresh
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class InterfaceLanguage:
    """A language the resident pages are offered in."""

    code: str
    #: the language's own name for itself, shown in the language links.
    autonym: str
    right_to_left: bool = False

    @property
    def direction(self) -> str:
        """The value of the HTML dir attribute for text in this language."""
        return "rtl" if self.right_to_left else "ltr"


#: Every language with a complete catalogue (tests/test_translations.py checks each one). To add
#: one: `pybabel init -i translations/messages.pot -d translations -l CODE`, translate it, add it
#: here. Its code must be one of panel.members.reference.LANGUAGES so members can prefer it.
LANGUAGES = (
    InterfaceLanguage("en", "English"),
    InterfaceLanguage("pl", "Polski"),
    InterfaceLanguage("ur", "اردو", right_to_left=True),
)
LANGUAGE_CODES = tuple(language.code for language in LANGUAGES)
_BY_CODE = {language.code: language for language in LANGUAGES}

#: The blueprints whose pages residents see: only these follow the resident's language.
RESIDENT_BLUEPRINTS = frozenset(
    {
        "join",
        "member_area",
        "my_surveys",
        "take_part",
        "engagement",
        "my_events",
        "event_replies",
        "still_interested",
        "reconsent_answers",
        "pages",
        "public_decisions",
    }
)

#: The query parameter the language links set, and the cookie that remembers the choice.
LANGUAGE_PARAMETER = "lang"
LANGUAGE_COOKIE = "panel_language"
_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

TRANSLATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()

#: Marks a string for extraction without translating it where it is defined (lists of answer
#: options read at import time); it is translated where it is shown.
N_ = str


class _LazyText(LazyString):
    """Flask-Babel's lazy string, escaped in templates like any other text (Flask-Babel's own
    marks itself safe, which would let a translation carry markup into a page)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> _LazyText:
    """``string`` translated into the language current when it is shown (form labels and
    messages, which are defined once at import)."""
    return _LazyText(gettext, string, **variables)


def lazy_choices(options) -> list[tuple]:
    """(value, label) choices with each label translated when shown (labels marked with N_)."""
    return [(value, lazy_gettext(label)) for value, label in options]


def _supported(code: str | None) -> str | None:
    return code if code in _BY_CODE else None


def is_resident_page() -> bool:
    """Whether this request is for a page residents see (error pages outside /staff count)."""
    blueprint = request.blueprint
    if blueprint is None:
        return not request.path.startswith(("/staff", "/api"))
    return blueprint in RESIDENT_BLUEPRINTS


def select_language() -> str:
    """The language of this request's page (see the module docstring for the order); English
    for staff pages and outside a request (jobs render members' emails with in_language)."""
    if not has_request_context() or not is_resident_page():
        return DEFAULT_LANGUAGE
    chosen = _supported(request.args.get(LANGUAGE_PARAMETER)) or _supported(
        request.cookies.get(LANGUAGE_COOKIE)
    )
    if chosen:
        return chosen
    preferred = _supported(g.get("preferred_language"))
    if preferred:
        return preferred
    return request.accept_languages.best_match(LANGUAGE_CODES) or DEFAULT_LANGUAGE


def current_language() -> InterfaceLanguage:
    """The language the current page or email is being written in."""
    locale = get_locale()
    return _BY_CODE.get(locale.language if locale else DEFAULT_LANGUAGE, LANGUAGES[0])


def language_for_member(preferred: str | None) -> str:
    """The interface language for a member's emails: their preferred language if the panel has
    a catalogue for it, otherwise English."""
    return _supported(preferred) or DEFAULT_LANGUAGE


def joining_language() -> str | None:
    """The language to record as a new member's preference: the page's language when it is not
    English (English is what everyone gets anyway, so nobody is recorded as choosing it)."""
    code = current_language().code
    return None if code == DEFAULT_LANGUAGE else code


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Render what is inside in this language (English if there is no catalogue for it)."""
    with force_locale(language_for_member(code)):
        yield


def babel_locale() -> Locale:
    """The current language as a babel Locale (for dates and numbers)."""
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


def format_day(day: date) -> str:
    """'7 December 2026' in English, and the same written the current language's way."""
    locale = babel_locale()
    if locale.language == DEFAULT_LANGUAGE:
        return f"{day.day} {day:%B %Y}"
    return babel_dates.format_date(day, "d MMMM y", locale=locale)


def format_day_and_time(moment: datetime) -> str:
    """'7 December 2026, 2:05pm' in English ('7 grudnia 2026, 14:05' in Polish): ``moment``
    already in local time."""
    locale = babel_locale()
    if locale.language == DEFAULT_LANGUAGE:
        return f"{moment.day} {moment:%B %Y}, {moment:%-I:%M%p}".replace("AM", "am").replace(
            "PM", "pm"
        )
    return babel_dates.format_datetime(moment, "d MMMM y, HH:mm", locale=locale)


def language_links() -> list[dict]:
    """The language links for a resident page: this page's address in each language."""
    current = current_language().code
    links = []
    for language in LANGUAGES:
        args = request.args.to_dict(flat=False)
        args[LANGUAGE_PARAMETER] = [language.code]
        query = "&".join(
            f"{_quote(key)}={_quote(value)}" for key, values in args.items() for value in values
        )
        links.append(
            {
                "code": language.code,
                "text": language.autonym,
                "href": f"{request.path}?{query}",
                "current": language.code == current,
                "dir": language.direction,
            }
        )
    return links


def _quote(text: str) -> str:
    return quote(text, safe="")


def _layout_context() -> dict:
    resident = is_resident_page()
    language = current_language()
    return {
        "html_lang": language.code,
        "html_dir": language.direction,
        "resident_page": resident,
        "language_links": language_links if resident else None,
    }


def _remember_choice(response: Response) -> Response:
    """Keep the language chosen with a language link for the resident's next pages."""
    chosen = _supported(request.args.get(LANGUAGE_PARAMETER))
    if chosen and is_resident_page() and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=_COOKIE_MAX_AGE,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogues and the language choice."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIRECTORY))
    babel.init_app(app, locale_selector=select_language)
    # Emails are rendered outside render_template (no context processors): they ask directly.
    app.jinja_env.globals["current_language"] = current_language
    # Our own words held in data (answer labels, outcomes): translated, then escaped like any
    # value. Never _() on a value: Jinja marks what _() returns as safe markup.
    app.jinja_env.filters["translated"] = lambda text: gettext(str(text)) if text else ""
    app.context_processor(_layout_context)
    # Flask-Babel keeps the language on g, which outlives a request when an app context was
    # already pushed (the tests, a job that renders a page): choose afresh for each request.
    app.before_request(refresh)
    app.after_request(_remember_choice)


__all__ = [
    "LANGUAGES",
    "N_",
    "gettext",
    "in_language",
    "init_app",
    "lazy_choices",
    "lazy_gettext",
    "ngettext",
]
