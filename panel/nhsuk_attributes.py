"""The NHS.UK frontend's `nhsukAttributes` macro, computed in Python.

Every NHS.UK component calls that macro several times (its own attributes, its label's, its
hint's...), mostly with nothing to print, and as Jinja it was about a fifth of a form page's
render time. `templates/nhsuk/macros/attributes.jinja` shadows the package's file (our templates
come first in the loader) and calls this function instead. It follows the macro line by line,
including its quirks (a value marked safe, or an array, leaves `value` undefined), and
tests/test_nhsuk_attributes.py holds it to the package's macro on any input."""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Undefined, pass_environment
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape


@pass_environment
def nhsuk_attributes(environment, attributes) -> Markup:
    """Component attributes as HTML: ` name="value"` pairs, the macro's rules (see its file)."""
    read = environment.getattr  # `options.key` as Jinja reads it
    html = attributes if isinstance(attributes, str) else ""
    if (
        not isinstance(attributes, Undefined)
        and hasattr(attributes, "__html__")
        and isinstance(read(attributes, "val"), str)
    ):
        html = attributes
    elif isinstance(attributes, Mapping):
        for name, item in attributes.items():
            options = (
                item
                if isinstance(item, Mapping)
                else {"value": item, "type": "string", "optional": False}
            )
            given = read(options, "value")
            value = environment.undefined(name="value")  # unset in this pass of the loop
            if isinstance(given, Undefined) or given is None:
                value, escaped = None, ""
            elif hasattr(given, "__html__"):
                value, escaped = read(given, "val"), given
            elif read(options, "type") == "array" and _iterable(given):
                policies = environment.policies
                escaped = htmlsafe_json_dumps(
                    given, dumps=policies["json.dumps_function"], **policies["json.dumps_kwargs"]
                )
            else:
                value, escaped = given, escape(given)
            optional = read(options, "optional")
            if optional is True and value is True:
                html = f"{html} {escape(name)}"
            elif (optional is True and value is not None and value is not False) or (
                optional is not True
            ):
                shown = str(value).lower() if value is True or value is False else escaped
                pattern = "{} {}='{}'" if '"' in escaped else '{} {}="{}"'
                html = pattern.format(html, escape(name), shown)
    # Names and values were escaped above; attributes given as a string are the caller's HTML,
    # as the macro's `| safe` treated them.
    return Markup(html)  # noqa: S704


def _iterable(value) -> bool:
    """Jinja's `is iterable` test."""
    try:
        iter(value)
    except TypeError:
        return False
    return True
