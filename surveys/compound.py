"""Grid and ranking questions: one question made of parts that are counted like single choices.

A grid asks several rows on one shared scale (``rows``, and the scale as ``options``); its
answer is {row: chosen answer}. A ranking puts its ``options`` in order; its answer is the
options from first to last. For counting, exporting and showing results each row of a grid,
and each option of a ranking, is a part with a key of its own ("q4.1", "q4.2", ...): a part of
a grid takes the grid's answers, a part of a ranking takes "Ranked 1" to "Ranked n". The
answering pages ask each part in a field of the same name, so they work on a phone without
JavaScript: a grid as one group of radios per row, a ranking as one select of rank per option.
"""

from __future__ import annotations

from collections.abc import Mapping

from panel.i18n import gettext

GRID = "grid"
RANKING = "ranking"
COMPOUND_TYPES = frozenset({GRID, RANKING})
#: the most rows a grid has, and the most options a ranking puts in order.
ROWS_MAX = 20
RANKED_MAX = 10
ROWS_MIN = 2


def is_compound(question: Mapping) -> bool:
    """Whether the question is a grid or a ranking."""
    return question.get("type") in COMPOUND_TYPES


def members(question: Mapping) -> list[str]:
    """What the parts are about: a grid's rows, or the options a ranking orders."""
    if question.get("type") == GRID:
        return list(question.get("rows") or [])
    if question.get("type") == RANKING:
        return list(question.get("options") or [])
    return []


def field_name(question: Mapping, index: int) -> str:
    """The form field (and the part's key) for member ``index`` (from 0)."""
    return f"{question['key']}.{index + 1}"


def rank_label(rank: int) -> str:
    """How a rank is named in results and exports."""
    return f"Ranked {rank}"


def part_options(question: Mapping) -> list[str]:
    """The values a part takes: the grid's scale, or the ranks."""
    if question.get("type") == RANKING:
        return [rank_label(rank) for rank in range(1, len(members(question)) + 1)]
    return list(question.get("options") or [])


def parts(question: Mapping) -> list[dict]:
    """The question as its counted parts (a plain question is its own only part): each a
    single choice question with the part's key, text and values, and ``part_of`` and
    ``member`` saying where it comes from."""
    if not is_compound(question):
        return [dict(question)]
    values = part_options(question)
    found = []
    for index, member in enumerate(members(question)):
        found.append(
            {
                **question,
                "key": field_name(question, index),
                "type": "single_choice",
                "text": f"{question['text']} {member}",
                "options": values,
                "allow_other": False,
                "dont_know": False,
                "comment_box": False,
                "part_of": question["key"],
                "member": member,
                "compound": question["type"],
            }
        )
    return found


def counted_questions(content: Mapping | None) -> list[dict]:
    """Every question of the content as counted: grids and rankings as their parts."""
    return [
        part
        for page in (content or {}).get("pages", [])
        for question in page.get("questions", [])
        for part in parts(question)
    ]


def part_value(compound: str, member: str, value) -> str | None:
    """A part's value within its question's stored answer (None: not answered)."""
    if compound == GRID and isinstance(value, dict):
        chosen = value.get(member)
        return chosen if isinstance(chosen, str) else None
    if compound == RANKING and isinstance(value, list) and member in value:
        return rank_label(value.index(member) + 1)
    return None


def read_answer(question: Mapping, form: Mapping[str, list[str]]) -> tuple[object, str | None]:
    """The stored answer from a page's fields, or a message for the person. An optional question
    left wholly blank is None; one half answered is an error either way."""
    chosen = [
        [v for v in form.get(field_name(question, i), []) if v != ""]
        for i in range(len(members(question)))
    ]
    if not any(chosen):
        return None, None
    if question["type"] == GRID:
        return _grid(question, chosen)
    return _ranking(question, chosen)


def _grid(question: Mapping, chosen: list[list[str]]) -> tuple[object, str | None]:
    rows, scale = members(question), set(question.get("options") or [])
    if any(len(values) > 1 or (values and values[0] not in scale) for values in chosen):
        return None, gettext("Choose one of the answers shown for each row")
    missing = [row for row, values in zip(rows, chosen, strict=True) if not values]
    if missing:
        return None, gettext("Choose an answer for each row: %(rows)s", rows=", ".join(missing))
    return {row: values[0] for row, values in zip(rows, chosen, strict=True)}, None


def _ranking(question: Mapping, chosen: list[list[str]]) -> tuple[object, str | None]:
    options, count = members(question), len(members(question))
    ranks = []
    for values in chosen:
        if len(values) > 1 or (values and values[0] not in {str(r) for r in range(1, count + 1)}):
            return None, gettext("Choose a rank from 1 to %(count)s for each", count=count)
        ranks.append(int(values[0]) if values else None)
    missing = [option for option, rank in zip(options, ranks, strict=True) if rank is None]
    if missing:
        return None, gettext(
            "Give every answer a rank from 1 to %(count)s: %(answers)s has none",
            count=count,
            answers=", ".join(missing),
        )
    if len(set(ranks)) != count:
        twice = sorted({rank for rank in ranks if ranks.count(rank) > 1})
        shared = ", ".join(str(rank) for rank in twice)
        return None, gettext(
            "Give each answer a different rank: %(ranks)s is used more than once", ranks=shared
        )
    return [option for _rank, option in sorted(zip(ranks, options, strict=True))], None


def form_values(question: Mapping, value) -> dict[str, str]:
    """A saved answer as each member's chosen value, to fill the page's fields again."""
    if question["type"] == GRID and isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if question["type"] == RANKING and isinstance(value, list):
        return {str(option): str(rank) for rank, option in enumerate(value, start=1)}
    return {}


def typed_values(question: Mapping, typed: Mapping[str, list[str]]) -> dict[str, str]:
    """What the person chose in each field of a refused page, to show it again."""
    found = {}
    for index, member in enumerate(members(question)):
        values = typed.get(field_name(question, index)) or [""]
        found[member] = values[0]
    return found


def describe(question: Mapping, value) -> str:
    """A stored answer in words, for the check-your-answers page."""
    if question["type"] == GRID and isinstance(value, dict):
        return "; ".join(f"{row}: {value[row]}" for row in members(question) if row in value)
    if question["type"] == RANKING and isinstance(value, list):
        return "; ".join(f"{rank}. {option}" for rank, option in enumerate(value, start=1))
    return ""
