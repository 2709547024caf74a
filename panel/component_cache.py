"""NHS.UK components rendered once per distinct set of parameters.

A form page calls the label component once per field (and every input, select, textarea,
radio and checkbox calls it again inside), and each call runs the package's template line by
line: about a fifth of a form page's time. A label, hint or heading is a pure
function of its parameters, so the finished HTML is kept per environment, keyed by the
parameters frozen to plain values, and reused while the app runs. The kept HTML is the
package's own template's output (a miss renders it), so nothing is re-implemented here.

Only calls without a caller block are kept (a caller's body is not a parameter), and a
parameter that is not plain data (an object, a function) means the call is rendered every time.
The HTML is kept in the process's memory only, per app, at most MAX_KEPT calls; error messages
(which can repeat what someone typed) are not kept."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from jinja2 import Undefined, pass_environment
from markupsafe import Markup

#: the components kept, by their template.
COMPONENTS = {
    "label": "nhsuk/components/label/template.jinja",
    "hint": "nhsuk/components/hint/template.jinja",
    "heading": "nhsuk/components/heading/template.jinja",
}
#: kept HTML per environment; past this the oldest goes.
MAX_KEPT = 4096


class _NotPlain(Exception):
    """A parameter that cannot be part of a key."""


def _frozen(value):
    """A hashable form of a parameter that tells apart everything the template tells apart
    (text marked safe from plain text, True from 1, a missing value from None)."""
    if isinstance(value, Undefined):
        return ("undefined",)
    if isinstance(value, Markup):
        return ("markup", str(value))
    if isinstance(value, str):
        return ("str", value)
    if value is None or isinstance(value, (bool, int, float)):
        return (type(value).__name__, value)
    if isinstance(value, Mapping):
        return ("map", tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_frozen(item) for item in value))
    raise _NotPlain


def _rendered(template, params) -> Markup:
    # The package's template, rendered with autoescape on (panel.templating): every text in it
    # was escaped as it was printed, so the whole is HTML, as the macro's own output is.
    return Markup(template.render(params=params))  # noqa: S704


@pass_environment
def kept_component(environment, name: str, params) -> Markup:
    """The component's HTML for these parameters, rendered by its template once."""
    template = environment.get_template(COMPONENTS[name])
    try:
        key = (name, _frozen(params))
    except _NotPlain:
        return _rendered(template, params)
    kept: OrderedDict = environment.__dict__.setdefault("_kept_components", OrderedDict())
    html = kept.get(key)
    if html is None:
        html = kept[key] = _rendered(template, params)
        if len(kept) > MAX_KEPT:
            kept.popitem(last=False)
    return html
