"""Contact details and NHS numbers taken out of comments before any public use."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# NHS numbers: ten digits, often written 3-3-4 with spaces or hyphens.
_NHS_NUMBER = re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")
# UK phone numbers: 0 or +44, then 9 or 10 more digits with optional spaces, brackets, hyphens.
_PHONE = re.compile(r"(?:(?:\+|00)44\s?\(?0?\)?|\(?0)(?:[\s\-()]*\d){9,10}\b")

EMAIL_MARK = "[email removed]"
PHONE_MARK = "[phone number removed]"
NHS_MARK = "[NHS number removed]"


def redact(text: str) -> str:
    """The text with email addresses, NHS numbers and phone numbers blanked out."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _NHS_NUMBER.sub(NHS_MARK, text)
    return _PHONE.sub(PHONE_MARK, text)
