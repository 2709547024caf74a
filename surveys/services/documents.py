"""A survey as its export document (the format the checker and the command line read), the
canonical text a snapshot hashes, and reading a file to import with the builder's rules."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from panel.json_text import dumps
from surveys.guidance.spec import FORMAT_NAME, FORMAT_VERSION, SurveyFormatError
from surveys.models import InvolvementLevel, Survey
from surveys.validation import (
    PLAN_TEXT_MAX,
    TITLE_MAX,
    Problem,
    read_content,
    text_problem,
    type_name,
)

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
    """The sha256 of the text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SurveyFileProblems(SurveyFormatError):
    """A survey file that cannot be imported; ``problems`` lists every reason with its place."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportedSurvey:
    """What an import keeps of a file: the title, the plan's words, and the pages."""

    title: str
    plan: dict
    content: dict


#: the plan's texts an import keeps (each up to PLAN_TEXT_MAX, as on the plan form).
PLAN_TEXTS = ("purpose", "decision", "already_known", "equality_considerations")


class _NotANumber(ValueError):
    """NaN or Infinity: Python reads them, JSON does not allow them."""


def _json_constant(name: str):
    raise _NotANumber(f"{name} is not a number JSON allows")


def parse_import(raw: bytes) -> dict:
    """A survey file read and checked as ``read_document`` does; raises SurveyFormatError (a
    SurveyFileProblems listing every problem when the JSON itself could be read)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise SurveyFormatError("the file is larger than 1 MB")
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_json_constant)
    except UnicodeDecodeError:
        raise SurveyFormatError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise SurveyFormatError(
            f"the file is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise SurveyFormatError("the file is nested too deeply to be a survey") from None
    except _NotANumber as error:
        raise SurveyFormatError(f"the file is not valid JSON: {error}") from None
    except ValueError:
        # Python refuses to read whole numbers of over 4,300 digits (a denial-of-service guard).
        raise SurveyFormatError("the file has a number too long to be read") from None
    read_document(data)
    return data


def read_document(data: Any) -> ImportedSurvey:
    """The survey an export holds, checked by the same rules as the builder (see
    surveys.validation). Raises SurveyFileProblems with every problem and its place."""
    if not isinstance(data, dict):
        problem = Problem("(file)", f"Expected a survey (a JSON object), got {type_name(data)}")
        raise SurveyFileProblems([problem])
    problems: list[Problem] = []
    if data.get("format") != FORMAT_NAME:
        problems.append(Problem("format", f"'format' must be \"{FORMAT_NAME}\""))
    version = data.get("version")
    if version != FORMAT_VERSION or type(version) is not int:
        shown = repr(version)[:20] if isinstance(version, int | str | float) else type_name(version)
        problems.append(Problem("version", f"'version' {shown} is not supported (expected 1)"))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        found = "is missing" if title is None else f"must be text, got {type_name(title)}"
        problems.append(
            Problem(
                "title", "The survey has no title" if isinstance(title, str) else f"'title' {found}"
            )
        )
        title = ""
    elif problem := text_problem(title.strip(), TITLE_MAX, one_line=True, what="title"):
        problems.append(Problem("title", problem))
    plan, plan_problems = _plan(data.get("plan"))
    content, content_problems = read_content(data)
    problems += plan_problems + content_problems
    if problems:
        raise SurveyFileProblems(problems)
    return ImportedSurvey(title.strip(), plan, content)


def _plan(raw: Any) -> tuple[dict, list[Problem]]:
    """The plan's words and choices an import keeps (dates are left for the author to set)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return {}, [Problem("plan", f"Expected an object, got {type_name(raw)}")]
    plan: dict = {
        "involvement": InvolvementLevel.LISTEN,
        "anonymous": True,
        "formal_consultation": False,
    }
    problems = []
    for name in PLAN_TEXTS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(f"plan.{name}", f"Expected text, got {type_name(value)}"))
        elif problem := text_problem(
            (value or "").strip(), PLAN_TEXT_MAX, one_line=False, what=name.replace("_", " ")
        ):
            problems.append(Problem(f"plan.{name}", problem))
        plan[name] = (value or "").strip() if isinstance(value, str) else ""
    involvement = raw.get("involvement")
    if involvement is not None:
        try:
            plan["involvement"] = InvolvementLevel(involvement)
        except ValueError:
            choices = ", ".join(level.value for level in InvolvementLevel)
            problems.append(Problem("plan.involvement", f"Use one of {choices}"))
    for name in ("anonymous", "formal_consultation"):
        value = raw.get(name)
        if value is not None and not isinstance(value, bool):
            problems.append(
                Problem(f"plan.{name}", f"Expected true or false, got {type_name(value)}")
            )
        elif value is not None:
            plan[name] = value
    return plan, problems


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive local (Europe/London) datetime as aware UTC; aware ones unchanged."""
    if value is None:
        return None
    return value.replace(tzinfo=ZONE).astimezone(UTC) if value.tzinfo is None else value
