"""Reuse werkzeug's compiled URL builders across the suite's many apps.

Every test builds its own app (`create_app`), and werkzeug compiles a builder function for each of
the app's ~230 URL rules from a generated syntax tree each time: about three quarters of the cost
of `create_app`, or several minutes of a `make test` run. A builder depends only on the rule's
parsed parts, its defaults and whether unknown arguments are appended, and it reads the rule's
converters through `self` when called, so one compiled builder serves every app with the same
rule. Production builds one app per process and does not need this.
"""

from __future__ import annotations

from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _cached_compile_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    # Defaults that fill a part of the rule are baked into the builder as text.
    baked = tuple(
        sorted(
            (name, self._converters[name].to_url(value))
            for name, value in defaults.items()
            if name in self._converters
        )
    )
    key = (
        self.rule,
        tuple(self._trace),
        tuple(sorted(defaults)),
        baked,
        append_unknown,
    )
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def install() -> None:
    Rule._compile_builder = _cached_compile_builder
