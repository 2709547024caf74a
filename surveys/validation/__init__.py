"""The one set of rules for a survey's pages and questions. The builder checks every change with
it and the JSON import checks every file with it, so both accept exactly the same surveys.

Every problem is reported, each with its place in the document (``pages[0].questions[3].
options[2]``) and, for the builder, the form field it belongs to; reading never stops at the
first. ``read_content`` also returns the content in its one stored shape: the known keys only,
text trimmed, optional keys filled in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from surveys.guidance.questions import EQUALITY_BLOCK
from surveys.guidance.spec import CHOICE_TYPES, QUESTION_TYPES

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
    "allow_other": "allow_other",
    "dont_know": "dont_know",
    "max_length": "max_length",
    "comment_box": "comment_box",
    "show_if": "show_if_key",
    "show_if_values": "show_if_values",
    "ig_justification": "ig_justification",
    "block": "text",
}
_TYPE_WORDS = {str: "text", bool: "true or false", int: "a whole number", list: "a list"}
_TYPE_WORDS |= {dict: "an object", type(None): "null"}


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
class _Report:
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
    return _TYPE_WORDS.get(type(value), type(value).__name__)


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


def read_content(content: Any) -> tuple[dict, list[Problem]]:
    """The content in its stored shape, and every problem with it (none: it can be kept)."""
    report = _Report()
    pages_raw = content.get("pages") if isinstance(content, dict) else None
    if not isinstance(pages_raw, list):
        found = type_name(content.get("pages")) if isinstance(content, dict) else None
        report.add("pages", "'pages' is missing" if found in (None, "null")
                   else f"Expected a list of pages, got {found}")  # fmt: skip
        return {"pages": []}, report.finished()
    if not pages_raw:
        report.add("pages", "A survey needs at least one page")
    elif len(pages_raw) > MAX_PAGES:
        report.add("pages", f"A survey can have at most {MAX_PAGES} pages ({len(pages_raw)})")
    pages, order = [], {}  # order: question key -> (position in the survey, page index)
    for p, page_raw in enumerate(pages_raw):
        pages.append(_page(report, page_raw, p, order))
    count = sum(len(page["questions"]) for page in pages)
    if count > MAX_QUESTIONS:
        report.add("pages", f"A survey can have at most {MAX_QUESTIONS} questions ({count:,})")
    _conditions(report, pages, pages_raw, order)
    return {"pages": pages}, report.finished()


def content_problems(content: Any) -> list[Problem]:
    """Every problem with a survey's pages and questions; an empty list when it can be kept."""
    return read_content(content)[1]


def _page(report: _Report, raw: Any, p: int, order: dict) -> dict:
    where, label = f"pages[{p}]", f"Page {p + 1}"
    page = {"title": "", "show_if": None, "questions": []}
    if not isinstance(raw, dict):
        report.add(where, f"Expected a page (an object), got {type_name(raw)}", label)
        return page
    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        report.add(f"{where}.title", f"Expected text, got {type_name(title)}", label)
    elif title:
        page["title"] = title.strip()
        problem = text_problem(page["title"], PAGE_TITLE_MAX, one_line=True, what="page title")
        if problem:
            report.add(f"{where}.title", problem, label)
    questions = raw.get("questions")
    if not isinstance(questions, list):
        found = type_name(questions)
        report.add(f"{where}.questions", "'questions' is missing" if found == "null"
                   else f"Expected a list of questions, got {found}", label)  # fmt: skip
        return page
    for i, question_raw in enumerate(questions):
        question = _question(report, question_raw, f"{where}.questions[{i}]", f"{label}, "
                             f"question {i + 1}", order, p)  # fmt: skip
        if question is not None:
            # Where it was in the file, for messages found later (dropped before storing).
            question["_where"] = f"{where}.questions[{i}]"
            page["questions"].append(question)
    return page


def _get(report, raw: dict, name: str, kinds: tuple, default, where: str, label: str, key):
    """raw[name] if it has one of ``kinds`` (missing or null: ``default``), else a problem."""
    value = raw.get(name)
    if value is None:
        return default
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        wanted = " or ".join(_TYPE_WORDS[k] for k in kinds)
        report.add(f"{where}.{name}", f"Expected {wanted}, got {type_name(value)}", label, key,
                   name)  # fmt: skip
        return default
    return value


def _question(report, raw: Any, where: str, label: str, order: dict, p: int) -> dict | None:
    if not isinstance(raw, dict):
        report.add(where, f"Expected a question (an object), got {type_name(raw)}", label)
        return None
    key = raw.get("key")
    if not isinstance(key, str):
        report.add(f"{where}.key", "'key' is missing" if key is None
                   else f"Expected text, got {type_name(key)}", label, None, "key")  # fmt: skip
        key = None
    elif not _KEY.fullmatch(key) or len(key) > KEY_MAX:
        # Told against the key as written, so the builder puts it with the question saved.
        report.add(f"{where}.key", f"A question key is letters, digits and _, starting with a "
                   f"letter, up to {KEY_MAX} characters", label, key, "key")  # fmt: skip
        key = None
    elif key in order:
        report.add(f"{where}.key", f"The key '{key}' is used by an earlier question too", label,
                   key, "key")  # fmt: skip
    else:
        label = f"Question {key}"
        order[key] = (len(order), p)

    def get(name, kinds, default):
        return _get(report, raw, name, kinds, default, where, label, key)

    qtype = get("type", (str,), None)
    if qtype is None and raw.get("type") is None:
        report.add(f"{where}.type", "'type' is missing", label, key, "type")
    elif qtype is not None and qtype not in QUESTION_TYPES:
        report.add(f"{where}.type", f"'{quoted(qtype, 40)}' is not a type of question: use one of "
                   f"{', '.join(QUESTION_TYPES)}", label, key, "type")  # fmt: skip
        qtype = None
    question = {
        "key": key or "",
        "type": qtype or "",
        "text": _text(report, raw, "text", TEXT_MAX, where, label, key, required=True),
        "help_text": _text(report, raw, "help_text", NOTE_MAX, where, label, key),
        "why_we_ask": _text(report, raw, "why_we_ask", NOTE_MAX, where, label, key),
        "required": get("required", (bool,), True),
        "options": _options(report, raw, where, label, key),
        "allow_other": get("allow_other", (bool,), False),
        "dont_know": get("dont_know", (bool,), False),
        "max_length": get("max_length", (int,), None),
        "comment_box": get("comment_box", (bool,), False),
        "show_if": _condition(report, raw, where, label, key),
        "ig_justification": _text(report, raw, "ig_justification", NOTE_MAX, where, label, key),
        "block": get("block", (str,), None),
    }
    _by_type(report, question, where, label)
    if question["block"] is not None and question["block"] != EQUALITY_BLOCK:
        block = quoted(question["block"], 40)
        report.add(f"{where}.block", f"'{block}' is not a block of questions", label, key, "block")
    return question


_TEXT_WORDS = {"text": "question", "help_text": "help text", "why_we_ask": "'why we ask' note",
               "ig_justification": "justification"}  # fmt: skip


def _text(report, raw, name, maximum, where, label, key, *, required=False) -> str:
    value = _get(report, raw, name, (str,), "", where, label, key).strip()
    if required and not value:
        report.add(f"{where}.{name}", "Enter the question", label, key, name)
    problem = text_problem(value, maximum, one_line=False, what=_TEXT_WORDS[name])
    if problem:
        report.add(f"{where}.{name}", problem, label, key, name)
    return value


def _options(report, raw, where, label, key) -> list[str]:
    values = _get(report, raw, "options", (list,), [], where, label, key)
    options: list[str] = []
    for j, option in enumerate(values):
        place = f"{where}.options[{j}]"
        if not isinstance(option, str):
            report.add(place, f"Expected text, got {type_name(option)}", label, key, "options")
            continue
        option = option.strip()
        problem = "An answer cannot be empty" if not option else text_problem(
            option, OPTION_MAX, one_line=True, what="answer")  # fmt: skip
        if problem is None and option in options:
            problem = f"“{quoted(option)}” is given twice"
        if problem:
            report.add(place, problem, label, key, "options")
        else:
            options.append(option)
    return options


def _by_type(report: _Report, q: dict, where: str, label: str) -> None:
    """Options for choices, a longest answer for text and numbers, nothing else."""
    key = q["key"] or None
    if q["type"] in CHOICE_TYPES:
        own = [o for o in q["options"] if not (q["dont_know"] and o == DONT_KNOW)]
        if len(own) < OPTIONS_MIN:
            report.add(f"{where}.options", "Give at least two answers, one per line", label,
                       key, "options")  # fmt: skip
        elif len(own) > OPTIONS_MAX:
            report.add(f"{where}.options", f"Give no more than {OPTIONS_MAX} answers "
                       f"(there are {len(own)})", label, key, "options")  # fmt: skip
        if q["dont_know"] and DONT_KNOW not in q["options"]:
            report.add(f"{where}.options", f"“{DONT_KNOW}” is asked for but is not one of the "
                       "answers", label, key, "dont_know")  # fmt: skip
    elif q["type"]:
        for name in ("options", "allow_other", "dont_know", "comment_box"):
            if q[name]:
                report.add(f"{where}.{name}", "Only questions with answers to choose from can "
                           f"have {name.replace('_', ' ')}", label, key, name)  # fmt: skip
    limit = q["max_length"]
    if limit is not None and q["type"] in CHOICE_TYPES:
        report.add(f"{where}.max_length", "Only text and number questions have a longest "
                   "answer", label, key, "max_length")  # fmt: skip
    elif limit is not None and not 1 <= limit <= ANSWER_LIMIT_MAX:
        report.add(f"{where}.max_length", f"Enter 1 to {ANSWER_LIMIT_MAX:,}", label, key,
                   "max_length")  # fmt: skip


def _condition(report, raw, where, label, key) -> dict | None:
    """A "show only if" as written: the earlier question's key and the answers that show it."""
    condition = _get(report, raw, "show_if", (dict,), None, where, label, key)
    if condition is None:
        return None
    place = f"{where}.show_if"
    target = condition.get("question")
    if not isinstance(target, str) or not target:
        report.add(f"{place}.question", "Choose an earlier question for 'show only if'", label,
                   key, "show_if")  # fmt: skip
        target = ""
    equals = condition.get("equals")
    values: list[str] = []
    if not isinstance(equals, list) or not equals:
        report.add(f"{place}.equals", "Give the answer (or answers) that show this question",
                   label, key, "show_if_values")  # fmt: skip
        equals = []
    elif len(equals) > CONDITION_VALUES_MAX:
        report.add(f"{place}.equals", f"Give no more than {CONDITION_VALUES_MAX} answers",
                   label, key, "show_if_values")  # fmt: skip
    for v, value in enumerate(equals[:CONDITION_VALUES_MAX]):
        problem = (f"Expected text, got {type_name(value)}" if not isinstance(value, str)
                   else text_problem(value.strip(), OPTION_MAX, one_line=True, what="answer")
                   or (None if value.strip() else "An answer cannot be empty"))  # fmt: skip
        if problem:
            report.add(f"{place}.equals[{v}]", problem, label, key, "show_if_values")
        else:
            values.append(value.strip())
    return {"question": target, "equals": values}


def _conditions(report: _Report, pages: list[dict], pages_raw: list, order: dict) -> None:
    """Every "show only if" names an earlier question, and only answers it has."""
    questions: dict[str, dict] = {}
    for q in (q for page in pages for q in page["questions"] if q["key"]):
        questions.setdefault(q["key"], q)  # a repeated key is a problem of the later one
    for p, page in enumerate(pages):
        raw = pages_raw[p] if isinstance(pages_raw[p], dict) else {}
        condition = _get(report, raw, "show_if", (dict,), None, f"pages[{p}]", f"Page {p + 1}",
                         None)  # fmt: skip
        if condition is not None:
            page["show_if"] = _condition(report, raw, f"pages[{p}]", f"Page {p + 1}", None)
            target = page["show_if"]["question"]
            if target and (target not in order or order[target][1] >= p):
                report.add(f"pages[{p}].show_if.question", "A page can only depend on a "
                           f"question on an earlier page: '{quoted(target)}' is not on one",
                           f"Page {p + 1}")  # fmt: skip
            else:
                _answers_exist(report, page["show_if"], questions, f"pages[{p}]",
                               f"Page {p + 1}", None)  # fmt: skip
        for i, q in enumerate(page["questions"]):
            where = q.pop("_where")
            if q["show_if"] is None or not q["show_if"]["question"]:
                continue
            target, own = q["show_if"]["question"], order.get(q["key"], (len(order), p))[0]
            label = f"Question {q['key']}" if q["key"] else f"Page {p + 1}, question {i + 1}"
            if target not in order:
                report.add(f"{where}.show_if.question", "Choose an earlier question for 'show "
                           f"only if': there is no question '{quoted(target)}'", label,
                           q["key"] or None, "show_if")  # fmt: skip
            elif order[target][0] >= own:
                report.add(f"{where}.show_if.question", "Choose an earlier question for 'show "
                           f"only if': '{quoted(target)}' comes after this one", label,
                           q["key"] or None, "show_if")  # fmt: skip
            else:
                _answers_exist(report, q["show_if"], questions, where, label, q["key"] or None)


def _answers_exist(report, condition: dict, questions: dict, where, label, key) -> None:
    """A condition on a question with answers to choose from uses only those answers."""
    target = questions.get(condition["question"])
    if target is None or target["type"] not in CHOICE_TYPES:
        return
    for v, value in enumerate(condition["equals"]):
        if value not in target["options"]:
            report.add(f"{where}.show_if.equals[{v}]", f"“{quoted(value)}” is not one of the "
                       f"answers to '{quoted(condition['question'])}'", label, key,
                       "show_if_values")  # fmt: skip
