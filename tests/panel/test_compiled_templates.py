"""Templates compile once per process, whichever app renders them, and an edited template
compiles again; the faster globals map keeps Jinja's meaning of globals."""

from __future__ import annotations

from jinja2 import DictLoader

from app import create_app
from panel.templating import COMPILED_TEMPLATES, PanelEnvironment
from tests.conftest import BASE_CONFIG


def _app(tmp_path):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def _compiles(app, name: str, source: str, monkeypatch) -> int:
    """How many times Jinja compiled while rendering ``name`` (with that source) in ``app``."""
    app.jinja_env.loader = DictLoader({name: source})
    calls = []
    compile_source = app.jinja_env.compile
    monkeypatch.setattr(
        app.jinja_env, "compile", lambda *a, **k: calls.append(a) or compile_source(*a, **k)
    )
    app.jinja_env.get_template(name).render()
    return len(calls)


def test_a_second_app_reuses_the_first_apps_compiled_template(tmp_path, monkeypatch):
    first, second = _app(tmp_path), _app(tmp_path)
    assert isinstance(second.jinja_env, PanelEnvironment)
    assert first.jinja_env.bytecode_cache is second.jinja_env.bytecode_cache is COMPILED_TEMPLATES
    source = "{{ 6 * 7 }} compiled once " + tmp_path.name
    assert _compiles(first, "once.html", source, monkeypatch) == 1
    assert _compiles(second, "once.html", source, monkeypatch) == 0
    # The same name with new source (an edited file) is compiled again, and renders the edit.
    assert _compiles(second, "once.html", source + " edited", monkeypatch) == 1
    assert second.jinja_env.get_template("once.html").render().endswith(" edited")


def test_imported_macros_see_globals_as_jinja_defines_them(tmp_path):
    app = _app(tmp_path)
    app.jinja_env.loader = DictLoader(
        {
            "macros.html": "{% macro shout() %}{{ greeting | upper }}{% endmacro %}",
            "page.html": '{% from "macros.html" import shout with context %}{{ shout() }}',
            "plain.html": '{% from "macros.html" import shout %}[{{ shout() }}]',
        }
    )
    app.jinja_env.globals["greeting"] = "hello"
    assert app.jinja_env.get_template("page.html").render() == "HELLO"
    # A global added after the templates were loaded is still seen (the map is live).
    app.jinja_env.globals["greeting"] = "bye"
    assert app.jinja_env.get_template("plain.html").render() == "[BYE]"
    # Template-only globals stay with that template.
    own = app.jinja_env.get_template("page.html", globals={"greeting": "own"})
    assert own.render() == "OWN"
    assert app.jinja_env.globals["greeting"] == "bye"
