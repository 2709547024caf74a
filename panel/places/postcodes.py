"""UK postcode normalisation and validation (format only: no lookup service is reachable)."""

from __future__ import annotations

import re

# The GOV.UK/ONS format: outward code (area, district, optional sub-district letter), then inward.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class InvalidPostcode(ValueError):
    """The text is not a UK postcode."""


def normalise_postcode(text: str) -> str:
    """Return the postcode as 'FY1 1AA', or raise InvalidPostcode."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidPostcode(text)
    return f"{match.group(1)} {match.group(2)}"


def outward_code(postcode: str) -> str:
    """The outward code ('FY1') of a normalised postcode."""
    return postcode.split(" ", 1)[0]


def is_outward_code(text: str) -> bool:
    return bool(_OUTWARD.match((text or "").strip().upper()))
