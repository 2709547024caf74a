"""JSON text that is safe wherever it lands: <, > and & written as \\u escapes (the same value
to any JSON reader), so no download or API answer carries markup even if opened as HTML."""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

_MARKUP_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def markup_safe(text: str) -> str:
    """Escape markup characters in JSON text; they can only occur inside strings there."""
    return text.translate(_MARKUP_ESCAPES)


def dumps(data: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """The project's JSON for files and downloads: readable (indented, not ASCII-only)."""
    separators = (",", ":") if indent is None else None
    text = json.dumps(
        data,
        indent=indent,
        sort_keys=sort_keys,
        separators=separators,
        ensure_ascii=False,
        default=str,
    )
    return markup_safe(text)


class MarkupSafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON (jsonify, JSON responses) with the same escaping."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return markup_safe(super().dumps(obj, **kwargs))
