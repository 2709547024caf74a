"""Typed errors that know which form field they belong to.

A service raises a FieldError (or a subclass) with a message for a person and, where the
problem is with one input, the name of that input. The view then shows the message next to the
field (panel.forms_common.show_field_error) without reading the text of the message.
"""

from __future__ import annotations


class FieldError(ValueError):
    """A problem a person can put right, with the form field it belongs to (None: the whole
    form). Subclasses may set a class-level default field."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return self.message
