"""Interface languages (issue 23): every resident-facing template has its text wrapped for
translation, the catalogues are complete and current, and placeholders survive translation.

These read files only (no database), so they run in well under a second each but the extraction,
which reads every Python module and template once (a few seconds)."""

from __future__ import annotations

import configparser
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from panel.i18n import LANGUAGES, RESIDENT_BLUEPRINTS
from panel.members.services.links import TRANSLATED_EMAILS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "translations"

#: Directories whose every template residents see; a template added to one later fails here
#: until its text is wrapped in _() or ngettext().
RESIDENT_TEMPLATE_DIRECTORIES = (
    "panel/join",
    "panel/member_area",
    "surveys/take_part",
    "engagement",
    "errors",
)
#: Single resident templates outside those directories (the emails are the translated ones).
RESIDENT_TEMPLATES = (
    "base.html",
    "surveys/my_surveys.html",
    "surveys/engagement_events/register_public.html",
    "surveys/engagement_events/register_done.html",
    "emails/_layout.html",
    "emails/survey_resume.html",
    "emails/survey_resume.txt",
    *(f"emails/{name}.{kind}" for name in sorted(TRANSLATED_EMAILS) for kind in ("html", "txt")),
)

GETTEXT_CALLS = {"_", "gettext", "ngettext"}
#: Keyword arguments and dict keys whose string values people read.
TEXT_KEYS = {"text", "titleText", "hint", "label", "title", "html", "visuallyHiddenText"}
#: Calls whose string arguments are never shown (addresses, names of things, formats).
HIDDEN_CALLS = {"url_for", "range", "csrf_token", "link", "get", "format", "strftime", "startswith"}
#: Attributes whose values people read (or hear).
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
WORDS = re.compile(r"[^\W\d_]{2,}")
#: "-hint", "#q-", "public-chart-": pieces of ids, anchors and classes.
IDENTIFIER = re.compile(r"#?[a-z0-9_]*(-[a-z0-9_]*)+")
#: Only parses (never renders), so autoescaping does not arise.
ENV = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], autoescape=True)


BLUEPRINT = re.compile(r"""Blueprint\(\s*["'](\w+)["']""")
RENDERED = re.compile(r"""render_template\(\s*["']([\w/.-]+)["']""")


def blueprint_templates() -> dict[str, set[str]]:
    """The templates each resident blueprint's module renders (RESIDENT_BLUEPRINTS in
    panel/i18n.py): a page added to one of them is checked without anyone listing it here."""
    found: dict[str, set[str]] = {}
    for path in (p for d in ("panel", "surveys") for p in (ROOT / d).rglob("*.py")):
        text = path.read_text()
        blueprint = BLUEPRINT.search(text)
        if blueprint and blueprint.group(1) in RESIDENT_BLUEPRINTS:
            found.setdefault(blueprint.group(1), set()).update(RENDERED.findall(text))
    return found


def resident_templates() -> list[str]:
    """The resident templates and every template of ours they include, import or extend."""
    names = {
        str(p.relative_to(TEMPLATES))
        for d in RESIDENT_TEMPLATE_DIRECTORIES
        for p in (TEMPLATES / d).rglob("*")
        if p.suffix in (".html", ".txt")
    }
    names |= set(RESIDENT_TEMPLATES)
    names |= {name for rendered in blueprint_templates().values() for name in rendered}
    todo = list(names)
    while todo:
        tree = ENV.parse((TEMPLATES / todo.pop()).read_text())
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            used = node.template.value if isinstance(node.template, nodes.Const) else "nhsuk"
            if not used.startswith("nhsuk") and used not in names:
                names.add(used)
                todo.append(used)
    return sorted(names)


class _Markup(HTMLParser):
    """The text and read attribute values of a template's markup (§ marks an expression)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_code = False

    def handle_starttag(self, tag, attrs) -> None:
        self.in_code = tag in ("style", "script")
        self.found += [value or "" for name, value in attrs if name in READ_ATTRIBUTES]

    def handle_endtag(self, tag) -> None:
        self.in_code = False

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            self.found.append(data)


def _words(text: str) -> str:
    """The words of some text, without expressions and web addresses glued to them."""
    words = " ".join(t for t in text.split() if "§" not in t and "/" not in t)
    return words if WORDS.search(words) else ""


def unwrapped_markup(tree) -> list[str]:
    """Visible text written straight into the template's markup (every branch of every if)."""
    skeleton = "".join(
        child.data if isinstance(child, nodes.TemplateData) else "§"
        for output in tree.find_all(nodes.Output)
        for child in output.nodes
    )
    parser = _Markup()
    parser.feed(skeleton)
    return [words for words in map(_words, parser.found) if words]


def _name(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return node.attr
    return ""


def _unwrapped_strings(node, shown: bool = True) -> list[str]:
    """String constants that reach the page outside a gettext call. ``shown`` is False where a
    value is compared, filtered, looked up or passed as an address or a class."""
    if isinstance(node, nodes.Call) and _name(node.node) in GETTEXT_CALLS:
        return []
    if isinstance(node, nodes.Const):
        text = node.value if isinstance(node.value, str) else ""
        readable = WORDS.search(text) and not IDENTIFIER.fullmatch(text.strip())
        return [text] if shown and readable else []
    found = []
    if isinstance(node, nodes.Call):
        hidden = _name(node.node) in HIDDEN_CALLS
        found += _unwrapped_strings(node.node, False)
        for arg in node.args:
            found += _unwrapped_strings(arg, shown and not hidden)
        for keyword in node.kwargs:
            found += _unwrapped_strings(
                keyword.value, shown and not hidden and keyword.key in TEXT_KEYS
            )
        return found
    if isinstance(node, nodes.Dict):
        for pair in node.items:
            key = pair.key.value if isinstance(pair.key, nodes.Const) else None
            # Nested dicts and lists (a label, items) stay shown; other keys hold names, classes.
            nested = isinstance(pair.value, (nodes.Dict, nodes.List))
            value_shown = shown and (key in TEXT_KEYS or nested)
            found += _unwrapped_strings(pair.value, value_shown)
        return found
    if isinstance(node, nodes.Pair):
        return _unwrapped_strings(node.value, shown)
    if isinstance(node, (nodes.Filter, nodes.Test)):
        found += _unwrapped_strings(node.node, shown) if node.node is not None else []
        for arg in [*node.args, *(k.value for k in node.kwargs)]:
            found += _unwrapped_strings(arg, False)
        return found
    if isinstance(
        node,
        (
            nodes.Compare,
            nodes.Getitem,
            nodes.Getattr,
            nodes.Macro,
            nodes.Include,
            nodes.Import,
            nodes.FromImport,
            nodes.Extends,
        ),
    ):
        hidden_fields = {"Compare": (), "Macro": ("body",)}.get(type(node).__name__, ())
        for field in hidden_fields:
            for child in getattr(node, field):
                found += _unwrapped_strings(child, shown)
        if isinstance(node, nodes.Macro):
            # Defaults of a macro's text parameters are shown.
            for arg, default in zip(reversed(node.args), reversed(node.defaults), strict=False):
                found += _unwrapped_strings(default, arg.name in TEXT_KEYS)
        return found
    if isinstance(node, nodes.TemplateData):
        return []  # unwrapped_markup reads the markup as a whole
    if isinstance(node, (nodes.If, nodes.CondExpr)):
        found += _unwrapped_strings(node.test, False)
        for field in ("body", "elif_", "else_", "expr1", "expr2"):
            value = getattr(node, field, None)
            for child in value if isinstance(value, list) else [value] if value is not None else []:
                found += _unwrapped_strings(child, shown)
        return found
    if isinstance(node, nodes.For):
        found += _unwrapped_strings(node.iter, False)
        for child in [*node.body, *node.else_]:
            found += _unwrapped_strings(child, shown)
        return found
    for child in node.iter_child_nodes():
        found += _unwrapped_strings(child, shown)
    return found


@pytest.mark.parametrize("name", resident_templates())
def test_resident_template_has_no_text_outside_gettext(name):
    tree = ENV.parse((TEMPLATES / name).read_text())
    unwrapped = unwrapped_markup(tree) + _unwrapped_strings(tree)
    assert unwrapped == [], f"wrap this text in _() in templates/{name}"


@pytest.mark.parametrize("name", resident_templates())
def test_gettext_in_templates_only_wraps_written_text(name):
    """What _() returns is marked safe, so a value passed to it would reach the page unescaped:
    values use the `translated` filter instead."""
    tree = ENV.parse((TEMPLATES / name).read_text())
    calls = [c for c in tree.find_all(nodes.Call) if _name(c.node) in GETTEXT_CALLS]
    assert [c.lineno for c in calls if not isinstance(c.args[0], nodes.Const)] == []


def test_every_resident_blueprint_has_its_pages_checked():
    """Each blueprint residents see is found with the templates it renders (so a new page of
    theirs is scanned above), and the pages added since the first catalogues are among them."""
    found = blueprint_templates()
    assert set(found) == RESIDENT_BLUEPRINTS
    assert all(found.values()), "a resident blueprint renders no template found by name"
    checked = set(resident_templates())
    assert {
        "panel/activity/keep.html",
        "panel/reconsent/answer.html",
        "surveys/engagement_events/my_events.html",
        "surveys/engagement_events/reply.html",
        "surveys/engagement_events/_event_summary.html",
        "pages/home.html",
        "pages/privacy.html",
        "pages/accessibility.html",
        "pages/cookies.html",
        "decisions/index.html",
        "decisions/decision.html",
        "decisions/_details.html",
        "decisions/_trail.html",
    } <= checked


def test_the_checker_finds_unwrapped_text():
    """The check itself: text, read attributes, macro arguments and text keys are caught; class
    names, addresses and comparisons are not."""
    tree = ENV.parse(
        '<p>Hello</p><div aria-label="A table"></div>{% if x %}<p>Maybe</p>{% endif %}'
        '{{ forms.submit("Continue") }}'
        '{{ nhsukRadios({"items": [{"text": "Other", "value": "other"}]}) }}'
        '{% set hint = "Up to " ~ count %}'
    )
    assert unwrapped_markup(tree) == ["Hello", "A table", "Maybe"]
    assert _unwrapped_strings(tree) == ["Continue", "Other", "Up to "]
    tree = ENV.parse(
        '<p class="nhsuk-body{% if e %} nhsuk-body--error{% endif %}">{{ _("Hello") }}</p>'
        '{% if kind == "member" %}<a href="{{ url_for(\'join.start\') }}">{{ _("Join") }}</a>'
        '{% endif %}{{ forms.submit(_("Save"), classes="nhsuk-button--secondary", name="skip") }}'
        '{{ text | replace("_", " ") }}<style>body { margin: 0; }</style>'
        "{{ base_url }}/my-panel/link/{{ token }}"
    )
    assert unwrapped_markup(tree) + _unwrapped_strings(tree) == []


def _catalogue(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=code)


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_catalogue_is_complete_with_placeholders_intact(code):
    catalogue = _catalogue(code)
    messages = [message for message in catalogue if message.id]
    untranslated = [
        m.id for m in messages if not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert untranslated == []
    assert [m.id for m in messages if m.fuzzy] == []
    # Babel's checkers: the same %(name)s placeholders as the msgid, and every plural form.
    assert [(m.id, errors) for m, errors in catalogue.check()] == []
    pot = {m.id for m in read_po((TRANSLATIONS / "messages.pot").open("rb")) if m.id}
    assert {m.id for m in messages} == pot


#: What `make messages` passes to pybabel extract (see the Makefile and babel.cfg).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "_l": None,
    "lazy_gettext": None,
}
MARKERS = ("gettext", "N_(", "_l(", "_(")


def _jinja_options() -> dict:
    config = configparser.ConfigParser()
    config.read(ROOT / "babel.cfg")
    return dict(config.items("jinja2: templates/**.html"))


def _extracted() -> set:
    """The messages `make messages` would extract now. Files without a marker are skipped: they
    yield nothing, and reading only the others keeps this test quick."""
    sources = [("python", p, {}) for d in ("panel", "surveys") for p in (ROOT / d).rglob("*.py")]
    options = _jinja_options()
    templates = [p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt")]
    sources += [("jinja2", p, options) for p in templates]
    found = set()
    for method, path, method_options in sources:
        text = path.read_text()
        if not any(marker in text for marker in MARKERS):
            continue
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=method_options
        ):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_messages_pot_is_up_to_date_with_the_sources():
    """`make messages` was run after the last change to resident-facing text."""
    extracted = _extracted()
    committed = {m.id for m in read_po((TRANSLATIONS / "messages.pot").open("rb")) if m.id}
    assert sorted(map(str, extracted - committed)) == [], "new text: run `make messages`"
    assert sorted(map(str, committed - extracted)) == [], "text gone: run `make messages`"
