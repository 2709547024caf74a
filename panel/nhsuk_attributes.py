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


def _is_undefined(value) -> bool:
    return isinstance(value, Undefined)


def _option(options, key: str, environment):
    """`options.key` as Jinja reads it."""
    return environment.getattr(options, key)


@pass_environment
def nhsuk_attributes(environment, attributes) -> Markup:
    """Component attributes as HTML: ` name="value"` pairs, the macro's rules (see its file)."""
    html = attributes if isinstance(attributes, str) else ""
    if (
        not _is_undefined(attributes)
        and hasattr(attributes, "__html__")
        and isinstance(_option(attributes, "val", environment), str)
    ):
        html = attributes
    elif isinstance(attributes, Mapping):
        for name, item in attributes.items():
            options = (
                item
                if isinstance(item, Mapping)
                else {"value": item, "type": "string", "optional": False}
            )
            given = _option(options, "value", environment)
            value = environment.undefined(name="value")  # unset in this pass of the loop
            if _is_undefined(given) or given is None:
                value, escaped = None, ""
            elif hasattr(given, "__html__"):
                value, escaped = _option(given, "val", environment), given
            elif _option(options, "type", environment) == "array" and _iterable(given):
                policies = environment.policies
                escaped = htmlsafe_json_dumps(
                    given, dumps=policies["json.dumps_function"], **policies["json.dumps_kwargs"]
                )
            else:
                value, escaped = given, escape(given)
            optional = _option(options, "optional", environment)
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
