"""The one set of rules for a survey's pages and questions. The builder checks every change with
it and the JSON import checks every file with it, so both accept exactly the same surveys.

Every problem is reported, each with its place in the document (``pages[0].questions[3].
options[2]``) and, for the builder, the form field it belongs to; reading never stops at the
first. ``read_content`` also returns the content in its one stored shape: the known keys only,
text trimmed, optional keys filled in. The limits and the problem report are in common, the
branching rules in branching."""

from __future__ import annotations

import re
from typing import Any

from surveys.compound import COMPOUND_TYPES, GRID, RANKED_MAX, RANKING, ROWS_MAX, ROWS_MIN
from surveys.guidance.questions import EQUALITY_BLOCK
from surveys.guidance.spec import CHOICE_TYPES, QUESTION_TYPES
from surveys.validation.branching import check_conditions, read_condition
from surveys.validation.common import (
    ANSWER_LIMIT_MAX,
    CONDITION_VALUES_MAX,
    DONT_KNOW,
    KEY_MAX,
    MAX_PAGES,
    MAX_PROBLEMS,
    MAX_QUESTIONS,
    NOTE_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PAGE_TITLE_MAX,
    PLAN_TEXT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Problem,
    Report,
    get_value,
    quoted,
    text_problem,
    type_name,
)

__all__ = [
    "ANSWER_LIMIT_MAX",
    "CONDITION_VALUES_MAX",
    "DONT_KNOW",
    "KEY_MAX",
    "MAX_PAGES",
    "MAX_PROBLEMS",
    "MAX_QUESTIONS",
    "NOTE_MAX",
    "OPTION_MAX",
    "OPTIONS_MAX",
    "OPTIONS_MIN",
    "PAGE_TITLE_MAX",
    "PLAN_TEXT_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "Problem",
    "content_problems",
    "quoted",
    "read_content",
    "text_problem",
    "type_name",
]

#: letters, digits and _ (a key names form fields, and "<key>-other" must never be one).
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def read_content(content: Any) -> tuple[dict, list[Problem]]:
    """The content in its stored shape, and every problem with it (none: it can be kept)."""
    report = Report()
    pages_raw = content.get("pages") if isinstance(content, dict) else None
    if not isinstance(pages_raw, list):
        found = type_name(content.get("pages")) if isinstance(content, dict) else None
        report.add(
            "pages",
            "'pages' is missing"
            if found in (None, "null")
            else f"Expected a list of pages, got {found}",
        )
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
    check_conditions(report, pages, pages_raw, order)
    return {"pages": pages}, report.finished()


def content_problems(content: Any) -> list[Problem]:
    """Every problem with a survey's pages and questions; an empty list when it can be kept."""
    return read_content(content)[1]


def _page(report: Report, raw: Any, p: int, order: dict) -> dict:
    where, label = f"pages[{p}]", f"Page {p + 1}"
    page = {"title": "", "show_if": None, "questions": []}
    if not isinstance(raw, dict):
        report.add(where, f"Expected a page (an object), got {type_name(raw)}", label)
        return page
    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        report.add(f"{where}.title", f"Expected text, got {type_name(title)}", label, None, "title")
    elif title:
        page["title"] = title.strip()
        problem = text_problem(page["title"], PAGE_TITLE_MAX, one_line=True, what="page title")
        if problem:
            report.add(f"{where}.title", problem, label, None, "title")
    questions = raw.get("questions")
    if not isinstance(questions, list):
        found = type_name(questions)
        report.add(
            f"{where}.questions",
            "'questions' is missing"
            if found == "null"
            else f"Expected a list of questions, got {found}",
            label,
        )
        return page
    for i, question_raw in enumerate(questions):
        question = _question(
            report, question_raw, f"{where}.questions[{i}]", f"{label}, question {i + 1}", order, p
        )
        if question is not None:
            # Where it was in the file, for messages found later (dropped before storing).
            question["_where"] = f"{where}.questions[{i}]"
            page["questions"].append(question)
    return page


def _question(report, raw: Any, where: str, label: str, order: dict, p: int) -> dict | None:
    if not isinstance(raw, dict):
        report.add(where, f"Expected a question (an object), got {type_name(raw)}", label)
        return None
    key = raw.get("key")
    if not isinstance(key, str):
        report.add(
            f"{where}.key",
            "'key' is missing" if key is None else f"Expected text, got {type_name(key)}",
            label,
            None,
            "key",
        )
        key = None
    elif not _KEY.fullmatch(key) or len(key) > KEY_MAX:
        # Told against the key as written, so the builder puts it with the question saved.
        report.add(
            f"{where}.key",
            f"A question key is letters, digits and _, starting with a "
            f"letter, up to {KEY_MAX} characters",
            label,
            key,
            "key",
        )
        key = None
    elif key in order:
        report.add(
            f"{where}.key", f"The key '{key}' is used by an earlier question too", label, key, "key"
        )
    else:
        label = f"Question {key}"
        order[key] = (len(order), p)

    def get(name, kinds, default):
        return get_value(report, raw, name, kinds, default, where, label, key)

    qtype = get("type", (str,), None)
    if qtype is None and raw.get("type") is None:
        report.add(f"{where}.type", "'type' is missing", label, key, "type")
    elif qtype is not None and qtype not in QUESTION_TYPES:
        report.add(
            f"{where}.type",
            f"'{quoted(qtype, 40)}' is not a type of question: use one of "
            f"{', '.join(QUESTION_TYPES)}",
            label,
            key,
            "type",
        )
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
        "show_if": read_condition(report, raw, where, label, key),
        "ig_justification": _text(report, raw, "ig_justification", NOTE_MAX, where, label, key),
        "block": get("block", (str,), None),
    }
    if question["type"] == GRID:
        question["rows"] = _rows(report, raw, where, label, key)
    _by_type(report, question, where, label)
    if question["block"] is not None and question["block"] != EQUALITY_BLOCK:
        block = quoted(question["block"], 40)
        report.add(f"{where}.block", f"'{block}' is not a block of questions", label, key, "block")
    return question


_TEXT_WORDS = {
    "text": "question",
    "help_text": "help text",
    "why_we_ask": "'why we ask' note",
    "ig_justification": "justification",
}


def _text(report, raw, name, maximum, where, label, key, *, required=False) -> str:
    value = get_value(report, raw, name, (str,), "", where, label, key).strip()
    if required and not value:
        report.add(f"{where}.{name}", "Enter the question", label, key, name)
    problem = text_problem(value, maximum, one_line=False, what=_TEXT_WORDS[name])
    if problem:
        report.add(f"{where}.{name}", problem, label, key, name)
    return value


def _options(report, raw, where, label, key) -> list[str]:
    values = get_value(report, raw, "options", (list,), [], where, label, key)
    options: list[str] = []
    for j, option in enumerate(values):
        place = f"{where}.options[{j}]"
        if not isinstance(option, str):
            report.add(place, f"Expected text, got {type_name(option)}", label, key, "options")
            continue
        option = option.strip()
        problem = (
            "An answer cannot be empty"
            if not option
            else text_problem(option, OPTION_MAX, one_line=True, what="answer")
        )
        if problem is None and option in options:
            problem = f"“{quoted(option)}” is given twice"
        if problem:
            report.add(place, problem, label, key, "options")
        else:
            options.append(option)
    return options


def _rows(report, raw, where, label, key) -> list[str]:
    """A grid's rows: each one line of text, none twice, at least two and at most ROWS_MAX."""
    values = get_value(report, raw, "rows", (list,), [], where, label, key)
    rows: list[str] = []
    for j, row in enumerate(values):
        place = f"{where}.rows[{j}]"
        if not isinstance(row, str):
            report.add(place, f"Expected text, got {type_name(row)}", label, key, "rows")
            continue
        row = row.strip()
        problem = (
            "A row cannot be empty"
            if not row
            else text_problem(row, OPTION_MAX, one_line=True, what="row")
        )
        if problem is None and row in rows:
            problem = f"“{quoted(row)}” is given twice"
        if problem:
            report.add(place, problem, label, key, "rows")
        else:
            rows.append(row)
    if len(rows) < ROWS_MIN and len(values) == len(rows):
        report.add(f"{where}.rows", "Give at least two rows, one per line", label, key, "rows")
    elif len(rows) > ROWS_MAX:
        report.add(
            f"{where}.rows",
            f"Give no more than {ROWS_MAX} rows (there are {len(rows)})",
            label,
            key,
            "rows",
        )
    return rows


def _compound(report: Report, q: dict, where: str, label: str) -> None:
    """A grid needs its scale and a ranking its answers (at most RANKED_MAX); neither has
    "other", "don't know", a comment box or a longest answer."""
    key = q["key"] or None
    if len(q["options"]) < OPTIONS_MIN:
        report.add(
            f"{where}.options", "Give at least two answers, one per line", label, key, "options"
        )
    limit = RANKED_MAX if q["type"] == RANKING else OPTIONS_MAX
    if len(q["options"]) > limit:
        report.add(
            f"{where}.options",
            f"Give no more than {limit} answers (there are {len(q['options'])})",
            label,
            key,
            "options",
        )
    for name in ("allow_other", "dont_know", "comment_box", "max_length"):
        if q[name] is not None and q[name] is not False:
            report.add(
                f"{where}.{name}",
                f"Grid and ranking questions cannot have {name.replace('_', ' ')}",
                label,
                key,
                name,
            )


def _by_type(report: Report, q: dict, where: str, label: str) -> None:
    """Options for choices, a longest answer for text and numbers, nothing else."""
    key = q["key"] or None
    if q["type"] in COMPOUND_TYPES:
        _compound(report, q, where, label)
        return
    if q["type"] in CHOICE_TYPES:
        own = [o for o in q["options"] if not (q["dont_know"] and o == DONT_KNOW)]
        if len(own) < OPTIONS_MIN:
            report.add(
                f"{where}.options", "Give at least two answers, one per line", label, key, "options"
            )
        elif len(own) > OPTIONS_MAX:
            report.add(
                f"{where}.options",
                f"Give no more than {OPTIONS_MAX} answers (there are {len(own)})",
                label,
                key,
                "options",
            )
        if q["dont_know"] and DONT_KNOW not in q["options"]:
            report.add(
                f"{where}.options",
                f"“{DONT_KNOW}” is asked for but is not one of the answers",
                label,
                key,
                "dont_know",
            )
    elif q["type"]:
        for name in ("options", "allow_other", "dont_know", "comment_box"):
            if q[name]:
                report.add(
                    f"{where}.{name}",
                    f"Only questions with answers to choose from can have {name.replace('_', ' ')}",
                    label,
                    key,
                    name,
                )
    limit = q["max_length"]
    if limit is not None and q["type"] in CHOICE_TYPES:
        report.add(
            f"{where}.max_length",
            "Only text and number questions have a longest answer",
            label,
            key,
            "max_length",
        )
    elif limit is not None and not 1 <= limit <= ANSWER_LIMIT_MAX:
        report.add(
            f"{where}.max_length", f"Enter 1 to {ANSWER_LIMIT_MAX:,}", label, key, "max_length"
        )
