"""Branching rules: a "show only if" on a question or a page points back to an existing
question with answers to choose from and uses only that question's own answers. A question may
follow up an earlier one on its own page; a page depends only on questions on earlier pages."""

from __future__ import annotations

from surveys.guidance.spec import CHOICE_TYPES
from surveys.validation.common import (
    CONDITION_VALUES_MAX,
    OPTION_MAX,
    Report,
    get_value,
    quoted,
    text_problem,
    type_name,
)


def read_condition(report, raw, where, label, key, *, of: str = "question") -> dict | None:
    """A "show only if" as written: the earlier question's key and the answers that show the
    question (or page: ``of``)."""
    condition = get_value(report, raw, "show_if", (dict,), None, where, label, key)
    if condition is None:
        return None
    place = f"{where}.show_if"
    target = condition.get("question")
    if not isinstance(target, str) or not target:
        report.add(
            f"{place}.question",
            "Choose an earlier question for 'show only if'",
            label,
            key,
            "show_if",
        )
        target = ""
    equals = condition.get("equals")
    values: list[str] = []
    if not isinstance(equals, list) or not equals:
        report.add(
            f"{place}.equals",
            f"Give the answer (or answers) that show this {of}",
            label,
            key,
            "show_if_values",
        )
        equals = []
    elif len(equals) > CONDITION_VALUES_MAX:
        report.add(
            f"{place}.equals",
            f"Give no more than {CONDITION_VALUES_MAX} answers",
            label,
            key,
            "show_if_values",
        )
    for v, value in enumerate(equals[:CONDITION_VALUES_MAX]):
        problem = (
            f"Expected text, got {type_name(value)}"
            if not isinstance(value, str)
            else text_problem(value.strip(), OPTION_MAX, one_line=True, what="answer")
            or (None if value.strip() else "An answer cannot be empty")
        )
        if problem:
            report.add(f"{place}.equals[{v}]", problem, label, key, "show_if_values")
        else:
            values.append(value.strip())
    return {"question": target, "equals": values}


def check_conditions(report: Report, pages: list[dict], pages_raw: list, order: dict) -> None:
    """Every "show only if" points back to an existing question with answers to choose from
    (a page: to one on an earlier page), and uses only that question's own answers."""
    questions: dict[str, dict] = {}
    for q in (q for page in pages for q in page["questions"] if q["key"]):
        questions.setdefault(q["key"], q)  # a repeated key is a problem of the later one
    for p, page in enumerate(pages):
        raw = pages_raw[p] if isinstance(pages_raw[p], dict) else {}
        where, label = f"pages[{p}]", f"Page {p + 1}"
        if get_value(report, raw, "show_if", (dict,), None, where, label, None) is not None:
            page["show_if"] = read_condition(report, raw, where, label, None, of="page")
            target = page["show_if"]["question"]
            problem = target and _page_target_problem(target, p, order, questions)
            if problem:
                report.add(f"{where}.show_if.question", problem, label, None, "show_if")
            elif target:
                _answers_exist(report, page["show_if"], questions, where, label, None)
        for i, q in enumerate(page["questions"]):
            where = q.pop("_where")
            if q["show_if"] is None or not q["show_if"]["question"]:
                continue
            target, own = q["show_if"]["question"], order.get(q["key"], (len(order), p))[0]
            label = f"Question {q['key']}" if q["key"] else f"Page {p + 1}, question {i + 1}"
            problem = _question_target_problem(target, q["key"], own, order, questions)
            if problem:
                report.add(f"{where}.show_if.question", problem, label, q["key"] or None, "show_if")
            else:
                _answers_exist(report, q["show_if"], questions, where, label, q["key"] or None)


def _question_target_problem(target, key, own: int, order: dict, questions: dict) -> str | None:
    """Why a question cannot depend on ``target`` (None: it can). It may depend on any
    question before it, on its own page (a follow-up shown once that is answered) or earlier."""
    name = quoted(target)
    if target not in order:
        return f"Choose an earlier question for 'show only if': there is no question '{name}'"
    if target == key:
        return "A question cannot depend on its own answer: choose an earlier question"
    if order[target][0] >= own:
        return f"Choose an earlier question for 'show only if': '{name}' comes after this one"
    return _choosable(target, questions)


def _page_target_problem(target, p: int, order: dict, questions: dict) -> str | None:
    """Why page ``p`` cannot depend on ``target`` (None: it can): only on a question on an
    earlier page, answered before the page is reached."""
    name, rule = quoted(target), "A page can only depend on a question on an earlier page"
    if target not in order:
        return f"{rule}: there is no question '{name}'"
    if order[target][1] == p:
        return f"{rule}: '{name}' is on this page"
    if order[target][1] > p:
        return f"{rule}: '{name}' is on page {order[target][1] + 1}, after this one"
    return _choosable(target, questions)


def _choosable(target: str, questions: dict) -> str | None:
    """A condition needs a question with answers to choose from: only those can be listed."""
    question = questions.get(target)
    if question is None or not question["type"] or question["type"] in CHOICE_TYPES:
        return None
    return (
        f"Choose a question with answers to choose from: '{quoted(target)}' asks for "
        "text or a number, so no answer to it can be listed"
    )


def _answers_exist(report, condition: dict, questions: dict, where, label, key) -> None:
    """A condition on a question with answers to choose from uses only those answers."""
    target = questions.get(condition["question"])
    if target is None or target["type"] not in CHOICE_TYPES:
        return
    for v, value in enumerate(condition["equals"]):
        if value not in target["options"]:
            report.add(
                f"{where}.show_if.equals[{v}]",
                f"“{quoted(value)}” is not one of the answers to '{quoted(condition['question'])}'",
                label,
                key,
                "show_if_values",
            )
