"""Text cleaned once, where it enters: every form field and query parameter (through the request
class), every cell of a CSV import and every string of a JSON import.

Control characters break PostgreSQL (NUL), XML and spreadsheet writers and plain-text emails, and
bidirectional overrides let a name display as something else ("Trojan source"); none of them is
ever typed on purpose. Tab and newline are kept (multi-line fields need them); a single-line form
field turns them into spaces (panel.forms_common.PanelForm)."""

from __future__ import annotations

import re
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

#: C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings, overrides and
#: isolates. Zero-width joiners stay: Urdu, Persian and Indic scripts need them.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")


def clean_text(value: str) -> str:
    """``value`` with newlines made ``\\n`` and the unwanted control characters removed."""
    if value.isprintable():
        return value
    return _UNWANTED.sub("", _LINE_BREAKS.sub("\n", value))


def single_line(value: str) -> str:
    """Cleaned text for a one-line field: tabs and newlines read as spaces."""
    return clean_text(value).replace("\t", " ").replace("\n", " ")


def clean_json(value: Any) -> Any:
    """Every string (keys included) in a parsed JSON document cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_json(key): clean_json(item) for key, item in value.items()}
    return value


class CleanedMultiDict(ImmutableMultiDict):
    """Query string and form values (and names) with their text cleaned; files pass untouched."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = [
                (key, value)
                for key, values in mapping.items()
                for value in (values if isinstance(values, list | tuple) else [values])
            ]
        else:
            pairs = mapping
        super().__init__(
            (clean_text(key), clean_text(value) if isinstance(value, str) else value)
            for key, value in pairs
        )


class PanelRequest(Request):
    """Flask's request with cleaned form and query values: one boundary for every view."""

    parameter_storage_class = CleanedMultiDict


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` in routes: a number beyond the database's integer range is a 404, never a
    database error (PostgreSQL refuses such a value in a query)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def text_from_upload(upload, max_bytes: int) -> str | None:
    """An uploaded file's text (UTF-8, with or without a byte order mark), cleaned like form
    text; None when there is no file, it is too large or it is not UTF-8."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return None
    try:
        return clean_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None
