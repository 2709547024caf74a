"""Plain survey descriptions the checker reads, and the builder's JSON export format."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "rating_scale",
    "short_text",
    "long_text",
    "number",
    "grid",
    "ranking",
)
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice", "rating_scale"})
FREE_TEXT_TYPES = frozenset({"short_text", "long_text"})
SEVERITIES = ("error", "advice")

FORMAT_NAME = "lsc-panel-survey"
FORMAT_VERSION = 1


@dataclass
class QuestionSpec:
    """One question of a survey as the guidance checker reads it."""

    key: str
    type: str
    text: str
    help_text: str = ""
    why_we_ask: str = ""
    required: bool = True
    options: list[str] = field(default_factory=list)
    allow_other: bool = False
    dont_know: bool = False
    max_length: int | None = None
    comment_box: bool = False
    # {"question": key, "equals": [values]}: shown only when that answer was given.
    show_if: dict | None = None
    ig_justification: str = ""
    block: str | None = None
    line: int | None = None


@dataclass
class PageSpec:
    """One page of a survey as the guidance checker reads it."""

    title: str
    questions: list[QuestionSpec] = field(default_factory=list)
    show_if: dict | None = None


@dataclass
class SurveySpec:
    """A whole survey as the guidance checker reads it."""

    title: str
    pages: list[PageSpec] = field(default_factory=list)
    # Naive values are local Europe/London wall-clock time.
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    formal_consultation: bool = False
    urgent_reason: str = ""
    # None: the caller does not know yet, so the sign-off rule is skipped.
    approved_by_other: bool | None = None

    def questions(self) -> list[QuestionSpec]:
        """Every question in survey order."""
        return [q for page in self.pages for q in page.questions]


@dataclass(frozen=True)
class Finding:
    """One thing the guidance checker found: the rule, how serious, the message and where."""

    rule: str
    severity: str
    message: str
    question_key: str | None = None
    line: int | None = None
    #: why it was flagged (the words or pattern), and how to fix it, in plain English; the
    #: message says both, for readers that show one text.
    why: str = ""
    fix: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The finding as the export and command line show it (rule, severity, message, where)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "question_key": self.question_key,
            "line": self.line,
        }


class SurveyFormatError(ValueError):
    """The JSON is not a survey export this version understands; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_MISSING = object()


def _get(obj: dict, key: str, kinds: tuple[type, ...], where: str, default: Any = _MISSING):
    if key not in obj:
        if default is _MISSING:
            raise SurveyFormatError(f"{where}: '{key}' is missing")
        return default
    value = obj[key]
    if value is None and type(None) in kinds:
        return None if default is _MISSING else default
    # bool is a subclass of int, but true/false is never a valid count.
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        got = "true/false" if isinstance(value, bool) else type(value).__name__
        got = "null" if value is None else got
        raise SurveyFormatError(f"{where}.{key}: expected {_names(kinds)}, got {got}")
    return value


def _names(kinds: tuple[type, ...]) -> str:
    words = {str: "text", bool: "true/false", int: "a whole number", list: "a list"}
    words |= {dict: "an object", type(None): "null"}
    return " or ".join(words.get(k, k.__name__) for k in kinds)


def _datetime(plan: dict, key: str) -> datetime | None:
    raw = _get(plan, key, (str, type(None)), "plan", None)
    if raw is None or raw == "":
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise SurveyFormatError(
            f"plan.{key}: '{raw}' is not a date and time like 2026-12-01T09:00"
        ) from None


def _show_if(obj: dict, where: str) -> dict | None:
    cond = _get(obj, "show_if", (dict, type(None)), where, None)
    if cond is None:
        return None
    target = _get(cond, "question", (str,), f"{where}.show_if")
    equals = _get(cond, "equals", (list,), f"{where}.show_if")
    for value in equals:
        if isinstance(value, list | dict) or value is None:
            raise SurveyFormatError(f"{where}.show_if.equals: values must be text or numbers")
    return {"question": target, "equals": list(equals)}


def _question(raw: Any, where: str) -> QuestionSpec:
    if not isinstance(raw, dict):
        raise SurveyFormatError(f"{where}: expected an object, got {type(raw).__name__}")
    key = _get(raw, "key", (str,), where).strip()
    if not key:
        raise SurveyFormatError(f"{where}.key: must not be empty")
    qtype = _get(raw, "type", (str,), where)
    if qtype not in QUESTION_TYPES:
        raise SurveyFormatError(
            f"{where}.type: '{qtype}' is not one of {', '.join(QUESTION_TYPES)}"
        )
    text = _get(raw, "text", (str,), where)
    if not text.strip():
        raise SurveyFormatError(f"{where}.text: must not be empty")
    options = _get(raw, "options", (list,), where, [])
    if not all(isinstance(o, str) for o in options):
        raise SurveyFormatError(f"{where}.options: every option must be text")
    max_length = _get(raw, "max_length", (int, type(None)), where, None)
    if max_length is not None and max_length < 1:
        raise SurveyFormatError(f"{where}.max_length: must be 1 or more")
    return QuestionSpec(
        key=key,
        type=qtype,
        text=text,
        help_text=_get(raw, "help_text", (str, type(None)), where, ""),
        why_we_ask=_get(raw, "why_we_ask", (str, type(None)), where, ""),
        required=_get(raw, "required", (bool,), where, True),
        options=list(options),
        allow_other=_get(raw, "allow_other", (bool,), where, False),
        dont_know=_get(raw, "dont_know", (bool,), where, False),
        max_length=max_length,
        comment_box=_get(raw, "comment_box", (bool,), where, False),
        show_if=_show_if(raw, where),
        ig_justification=_get(raw, "ig_justification", (str, type(None)), where, ""),
        block=_get(raw, "block", (str, type(None)), where, None),
    )


def survey_from_json(data: dict) -> SurveySpec:
    """Read a builder export; unknown keys are ignored, known ones must have the right type."""
    if not isinstance(data, dict):
        raise SurveyFormatError(f"expected a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT_NAME:
        raise SurveyFormatError(f"'format' must be \"{FORMAT_NAME}\"")
    version = data.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise SurveyFormatError(f"'version' {version!r} is not supported (expected 1)")
    title = _get(data, "title", (str,), "survey")
    plan = _get(data, "plan", (dict, type(None)), "survey", None) or {}
    pages_raw = _get(data, "pages", (list,), "survey")
    pages: list[PageSpec] = []
    seen: set[str] = set()
    for p, page_raw in enumerate(pages_raw):
        where = f"pages[{p}]"
        if not isinstance(page_raw, dict):
            raise SurveyFormatError(f"{where}: expected an object, got {type(page_raw).__name__}")
        questions = []
        for i, q_raw in enumerate(_get(page_raw, "questions", (list,), where)):
            question = _question(q_raw, f"{where}.questions[{i}]")
            if question.key in seen:
                raise SurveyFormatError(f"question key '{question.key}' is used more than once")
            seen.add(question.key)
            questions.append(question)
        page_title = _get(page_raw, "title", (str, type(None)), where, "")
        pages.append(PageSpec(page_title, questions, _show_if(page_raw, where)))
    return SurveySpec(
        title=title,
        pages=pages,
        opens_at=_datetime(plan, "opens_at"),
        closes_at=_datetime(plan, "closes_at"),
        formal_consultation=_get(plan, "formal_consultation", (bool,), "plan", False),
        urgent_reason=_get(plan, "urgent_reason", (str, type(None)), "plan", ""),
        approved_by_other=_get(plan, "approved_by_other", (bool, type(None)), "plan", None),
    )


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    exact = value.second == 0 and value.microsecond == 0
    return value.isoformat(timespec="minutes" if exact else "auto")


def survey_to_json(spec: SurveySpec) -> dict:
    """The export `survey_from_json` reads back (source line numbers are not kept)."""
    pages = []
    for page in spec.pages:
        questions = []
        for q in page.questions:
            item = asdict(q)
            item.pop("line")
            questions.append(item)
        pages.append({"title": page.title, "show_if": page.show_if, "questions": questions})
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": spec.title,
        "plan": {
            "opens_at": _iso(spec.opens_at),
            "closes_at": _iso(spec.closes_at),
            "formal_consultation": spec.formal_consultation,
            "urgent_reason": spec.urgent_reason,
        },
        "pages": pages,
    }
