"""A survey as its export document (the format the checker and the command line read), the
canonical text a snapshot hashes, and importing a document as a new draft."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from panel.json_text import dumps
from surveys.guidance.spec import FORMAT_NAME, FORMAT_VERSION, SurveyFormatError, survey_from_json
from surveys.models import Survey

ZONE = ZoneInfo("Europe/London")
MAX_IMPORT_BYTES = 1024 * 1024


def _local_naive(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZONE).replace(tzinfo=None).isoformat(timespec="minutes")


def export_document(survey: Survey) -> dict:
    """The survey in the builder's JSON format (dates as Europe/London wall-clock time)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": survey.title,
        "plan": {
            "purpose": survey.purpose,
            "decision": survey.decision,
            "already_known": survey.already_known,
            "equality_considerations": survey.equality_considerations,
            "audience": survey.audience.value,
            "involvement": survey.involvement.value,
            "anonymous": survey.anonymous,
            "opens_at": _local_naive(survey.opens_at),
            "closes_at": _local_naive(survey.closes_at),
            "formal_consultation": survey.formal_consultation,
            "urgent_reason": survey.urgent_reason,
        },
        "pages": (survey.content or {}).get("pages", []),
    }


def canonical_text(document: dict) -> str:
    """One exact text for a document: the same content always gives the same hash."""
    return dumps(document, indent=None, sort_keys=True)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_import(raw: bytes) -> dict:
    """A survey export read and checked; raises SurveyFormatError with the reason."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise SurveyFormatError("the file is larger than 1 MB")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SurveyFormatError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise SurveyFormatError(
            f"the file is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    spec = survey_from_json(data)  # raises with the reason
    if not spec.title.strip():
        raise SurveyFormatError("the survey has no title")
    return data


def local_to_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=ZONE).astimezone(UTC) if value.tzinfo is None else value
