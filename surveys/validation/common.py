"""What every content rule shares: the limits, a problem and where it is, the report that
collects them, and the words used to describe values and quote them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_PAGES = 40
MAX_QUESTIONS = 200
#: the survey's title, and each text of its plan (the plan form has the same limits).
TITLE_MAX = 200
PLAN_TEXT_MAX = 5000
KEY_MAX = 60
PAGE_TITLE_MAX = 150
TEXT_MAX = 500
#: help text, "why we ask" and the information governance justification.
NOTE_MAX = 1000
OPTION_MAX = 200
OPTIONS_MIN = 2
#: not counting the "Don't know" the builder adds when asked to.
OPTIONS_MAX = 50
CONDITION_VALUES_MAX = 20
#: the longest text answer allowed, or the highest number.
ANSWER_LIMIT_MAX = 100_000
DONT_KNOW = "Don't know"
#: reported in full up to here; a file with more has its count given instead.
MAX_PROBLEMS = 500

#: letters, digits and _ (a key names form fields, and "<key>-other" must never be one).
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: control characters (NUL among them) and lone surrogates: never stored, in any text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: everything str.splitlines() splits on: one-line texts (answers are typed one per line).
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_OPTION = re.compile(r"\.options\[(\d+)\]$")
#: a question's attribute -> the builder's form field showing it.
_FORM_FIELDS = {
    "key": "text",
    "type": "type",
    "text": "text",
    "help_text": "help_text",
    "why_we_ask": "why_we_ask",
    "required": "required",
    "options": "options",
    "rows": "rows",
    "allow_other": "allow_other",
    "dont_know": "dont_know",
    "max_length": "max_length",
    "comment_box": "comment_box",
    "show_if": "show_if_key",
    "show_if_values": "show_if_values",
    "ig_justification": "ig_justification",
    "block": "text",
    # a page's own fields (the "show only if" ones are named as a question's are)
    "title": "title",
}
TYPE_WORDS = {str: "text", bool: "true or false", int: "a whole number", list: "a list"}
TYPE_WORDS |= {dict: "an object", type(None): "null"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is, and (for the builder) the form field it belongs to."""

    #: the place in the document, e.g. "pages[0].questions[3].options[2]".
    where: str
    message: str
    #: where in words, e.g. "Question q4" or "Page 2".
    label: str = "The survey"
    question_key: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    @property
    def for_field(self) -> str:
        """The message as shown next to its form field, naming the answer it is about."""
        item = _OPTION.search(self.where)
        return f"Answer {int(item.group(1)) + 1}: {self.message}" if item else self.message


@dataclass
class Report:
    """The problems found in a survey document, with a count of those not listed."""

    problems: list[Problem] = field(default_factory=list)
    untold: int = 0

    def add(self, where: str, message: str, label: str = "The survey", key=None, attr=None):
        if len(self.problems) >= MAX_PROBLEMS:
            self.untold += 1
            return
        form_field = _FORM_FIELDS.get(attr) if attr else None
        self.problems.append(Problem(where, message, label, key, form_field))

    def finished(self) -> list[Problem]:
        if self.untold:
            self.problems.append(
                Problem("(file)", f"and {self.untold:,} more problems not listed here")
            )
        return self.problems


def type_name(value: Any) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a number with a fraction" if abs(value) < float("inf") else "an endless number"
    return TYPE_WORDS.get(type(value), type(value).__name__)


def quoted(value: str, limit: int = 60) -> str:
    """Someone's text as it may appear in a message: short, and with nothing unprintable."""
    shown = _CONTROL.sub("\ufffd", _LINE_BREAK.sub(" ", value[:limit]))
    return shown + ("…" if len(value) > limit else "")


def text_problem(value: str, maximum: int, *, one_line: bool, what: str) -> str | None:
    """Why a piece of text cannot be kept (control characters, line breaks, length), or None."""
    if _CONTROL.search(value):
        return f"Remove the control characters (such as NUL) from the {what}"
    if one_line and _LINE_BREAK.search(value):
        return f"Keep the {what} on one line"
    if len(value) > maximum:
        return f"Keep the {what} to {maximum:,} characters or fewer (it has {len(value):,})"
    return None


def get_value(report, raw: dict, name: str, kinds: tuple, default, where: str, label: str, key):
    """raw[name] if it has one of ``kinds`` (missing or null: ``default``), else a problem."""
    value = raw.get(name)
    if value is None:
        return default
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        wanted = " or ".join(TYPE_WORDS[k] for k in kinds)
        report.add(
            f"{where}.{name}", f"Expected {wanted}, got {type_name(value)}", label, key, name
        )
        return default
    return value
