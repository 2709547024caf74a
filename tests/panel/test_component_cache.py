"""The kept NHS.UK components (panel/component_cache.py) print exactly what the package's own
macros print, for any parameters: hostile text, text marked safe, captions, headings, sizes,
attributes, missing values; the second call (from the store) prints the same as the first; a
caller block and parameters that are not plain data are rendered every time."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import PackageLoader
from markupsafe import Markup

from panel.component_cache import COMPONENTS

CALLS = {
    name: (
        f'{{% from "nhsuk/components/{path.split("/")[2]}/macro.jinja" import {name} %}}'
        f"[{{{{ {name}(params) }}}}]"
    )
    for name, path in COMPONENTS.items()
}
text = st.one_of(
    st.sampled_from(['say "hi"', "it's", "<b>&amp;</b>", "", " ", "Your postcode"]),
    st.text(max_size=10),
)
words = st.one_of(text, text.map(Markup), st.none(), st.booleans())
caption = st.one_of(
    words,
    st.fixed_dictionaries(
        {},
        optional={
            "text": words,
            "html": words,
            "placement": st.sampled_from(["before", "start", "end", "after", "inside"]),
            "size": st.sampled_from(["m", "l", "xl", "xxl", "s"]),
            "classes": text,
        },
    ),
)
params = st.fixed_dictionaries(
    {},
    optional={
        "text": words,
        "html": words,
        "id": text,
        "for": text,
        "classes": st.sampled_from(["", "nhsuk-label--s", "nhsuk-heading-l extra", "x"]),
        "size": st.sampled_from(["s", "m", "l", "xl", "xxs", "huge"]),
        "level": st.sampled_from([1, 2, 3, "4", None]),
        "isPageHeading": st.booleans(),
        "heading": st.one_of(words, st.fixed_dictionaries({}, optional={"text": words})),
        "caption": caption,
        "visuallyHiddenText": words,
        "href": text,
        "attributes": st.dictionaries(st.sampled_from(["data-x", "lang"]), text, max_size=2),
    },
)


@pytest.fixture
def environments(app):
    """Our environment, and the same environment reading the NHS.UK package's own macros."""
    ours = app.jinja_env
    theirs = ours.overlay(loader=PackageLoader("nhsuk_frontend_jinja"))
    return ours, theirs


def test_the_package_macros_are_the_ones_shadowed(environments):
    ours, theirs = environments
    for name, path in COMPONENTS.items():
        macro = path.replace("template.jinja", "macro.jinja")
        assert "kept_component" not in theirs.loader.get_source(theirs, macro)[0]
        assert f'kept_component("{name}"' in ours.loader.get_source(ours, macro)[0]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(COMPONENTS)), given_params=params)
def test_a_kept_component_prints_what_the_package_macro_prints(environments, name, given_params):
    ours, theirs = environments
    expected = theirs.from_string(CALLS[name]).render(params=given_params)
    assert ours.from_string(CALLS[name]).render(params=given_params) == expected
    assert ours.from_string(CALLS[name]).render(params=given_params) == expected  # kept


def test_calls_with_a_caller_or_objects_are_rendered_each_time(environments):
    ours, theirs = environments
    with_caller = (
        '{% from "nhsuk/components/label/macro.jinja" import label %}'
        '{% call label({"for": "x"}) %}<b>{{ n }}</b>{% endcall %}'
    )
    for n in (1, 2):
        assert ours.from_string(with_caller).render(n=n) == theirs.from_string(with_caller).render(
            n=n
        )
        assert f"<b>{n}</b>" in ours.from_string(with_caller).render(n=n)

    class Text:
        def __init__(self, value):
            self.value = value

        def __str__(self):
            return self.value

    for value in ("first", "second"):
        shown = ours.from_string(CALLS["label"]).render(params={"text": Text(value)})
        assert value in shown
        assert shown == theirs.from_string(CALLS["label"]).render(params={"text": Text(value)})
