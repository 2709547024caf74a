"""Our Python `nhsukAttributes` (panel/nhsuk_attributes.py) prints exactly what the NHS.UK
frontend's own macro prints, for any attributes a component could be given: hostile text, text
marked safe, booleans, numbers, arrays, missing and optional values."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import PackageLoader
from markupsafe import Markup

CALL = (
    '{% from "nhsuk/macros/attributes.jinja" import nhsukAttributes %}'
    "[{{ nhsukAttributes(attributes) }}]"
)
NO_ARGUMENT = (
    '{% from "nhsuk/macros/attributes.jinja" import nhsukAttributes %}[{{ nhsukAttributes() }}]'
)

text = st.one_of(
    st.sampled_from(['say "hi"', "it's", "<b>&amp;</b>", "", " ", "true", "false"]),
    st.text(max_size=12),
)
plain_value = st.one_of(
    text,
    text.map(Markup),
    st.booleans(),
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.lists(st.one_of(text, st.integers(-3, 3), st.booleans()), max_size=3),
)
options = st.fixed_dictionaries(
    {},
    optional={
        "value": plain_value,
        "type": st.sampled_from(["string", "array", "other"]),
        "optional": st.one_of(st.booleans(), st.none(), st.just("true")),
    },
)
attributes = st.one_of(
    st.none(),
    text,
    text.map(Markup),
    st.dictionaries(
        st.one_of(st.sampled_from(["for", "aria-hidden", "data-x", "hidden"]), text),
        st.one_of(plain_value, options),
        max_size=4,
    ),
)


@pytest.fixture
def environments(app):
    """Our environment, and the same environment reading the NHS.UK package's own macro."""
    ours = app.jinja_env
    theirs = ours.overlay(loader=PackageLoader("nhsuk_frontend_jinja"))
    return ours, theirs


def test_the_package_macro_is_the_one_shadowed(environments):
    ours, theirs = environments
    source, _, _ = theirs.loader.get_source(theirs, "nhsuk/macros/attributes.jinja")
    assert "macro nhsukAttributes(attributes)" in source
    assert "nhsuk_attributes" not in source
    assert "nhsuk_attributes(" in ours.loader.get_source(ours, "nhsuk/macros/attributes.jinja")[0]


# The environments are only read, never changed, so one pair serves every example.
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(given_attributes=attributes)
def test_python_attributes_print_what_the_nhsuk_macro_prints(environments, given_attributes):
    ours, theirs = environments
    expected = theirs.from_string(CALL).render(attributes=given_attributes)
    assert ours.from_string(CALL).render(attributes=given_attributes) == expected


def test_attributes_left_out_print_nothing_in_both(environments):
    ours, theirs = environments
    assert ours.from_string(NO_ARGUMENT).render() == theirs.from_string(NO_ARGUMENT).render()
    assert ours.from_string(NO_ARGUMENT).render() == "[]"


def test_every_kind_of_attribute_is_printed_as_the_macro_documents(environments):
    ours, _ = environments
    rendered = ours.from_string(CALL).render(
        attributes={
            "aria-hidden": True,
            "data-list": {"value": ["a", "<b>"], "type": "array"},
            "hidden": {"value": True, "optional": True},
            "absent": {"value": None, "optional": True},
            "title": 'say "hi" & <go>',
        }
    )
    assert rendered == (
        '[ aria-hidden="true"'
        ' data-list=\'["a", "\\u003cb\\u003e"]\''
        " hidden"
        ' title="say &#34;hi&#34; &amp; &lt;go&gt;"]'
    )
