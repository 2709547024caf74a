"""A survey's pages and questions as a plain document (the export format's "pages"): pure
functions that change a copy and return it, so services stay small and this is easy to test.
Whether the result may be kept is for surveys.validation, which every change goes through."""

from __future__ import annotations

import copy
import re

from panel.members.reference import EQUALITY_QUESTIONS
from surveys.compound import GRID, RANKING
from surveys.guidance.questions import EQUALITY_BLOCK
from surveys.guidance.spec import CHOICE_TYPES, QUESTION_TYPES
from surveys.guidance.standard_scales import DEFAULT_SCALE_NAME, SCALES, suggest_scale

#: the balanced five-point scale of a rating question whose wording asks for no other scale.
DEFAULT_SCALE = list(SCALES[DEFAULT_SCALE_NAME].options)
DONT_KNOW = "Don't know"
TYPE_LABELS = {
    "single_choice": "One answer from a list",
    "multiple_choice": "Several answers from a list",
    "rating_scale": "Rating scale (balanced, five points)",
    "short_text": "Short text",
    "long_text": "Long text (comments)",
    "number": "Number",
    GRID: "Grid: several rows answered on one scale",
    RANKING: "Ranking: put the answers in order",
}
assert set(TYPE_LABELS) == set(QUESTION_TYPES)


class ContentError(ValueError):
    """The change cannot be made (unknown question, too many, ...); the message says why."""


def empty() -> dict:
    """A new survey's content: one empty page."""
    return {"pages": [{"title": "", "show_if": None, "questions": []}]}


def questions(content: dict) -> list[dict]:
    """Every question of the survey, page by page."""
    return [q for page in content.get("pages", []) for q in page["questions"]]


def find(content: dict, key: str) -> tuple[int, int]:
    """(page index, question index) of the question, or ContentError."""
    for p, page in enumerate(content.get("pages", [])):
        for i, question in enumerate(page["questions"]):
            if question["key"] == key:
                return p, i
    raise ContentError("That question is no longer in the survey")


def new_key(content: dict, prefix: str = "q") -> str:
    """An unused question key: the prefix and the next free number."""
    used = {q["key"] for q in questions(content)}
    numbers = [int(m.group(1)) for k in used if (m := re.fullmatch(rf"{prefix}(\d+)", k))]
    candidate = max(numbers, default=0) + 1
    while f"{prefix}{candidate}" in used:
        candidate += 1
    return f"{prefix}{candidate}"


def question(
    key: str,
    qtype: str,
    text: str,
    *,
    help_text: str = "",
    why_we_ask: str = "",
    required: bool = True,
    options: list[str] | None = None,
    allow_other: bool = False,
    dont_know: bool = False,
    max_length: int | None = None,
    comment_box: bool = False,
    show_if: dict | None = None,
    ig_justification: str = "",
    block: str | None = None,
    rows: list[str] | None = None,
) -> dict:
    """One question in the export format; a rating scale given no options gets the standard
    scale its wording asks for (quality when it asks for none)."""
    options = [o for o in (options or []) if o.strip()]
    if qtype == "rating_scale" and not options:
        options = list(suggest_scale(text).scale.options)
    if qtype in (GRID, RANKING):
        allow_other, dont_know, comment_box = False, False, False
    elif qtype not in CHOICE_TYPES:
        options, allow_other, dont_know = [], False, False
    if dont_know and DONT_KNOW not in options:
        options = [*options, DONT_KNOW]
    made = {
        "key": key,
        "type": qtype,
        "text": text.strip(),
        "help_text": help_text.strip(),
        "why_we_ask": why_we_ask.strip(),
        "required": required,
        "options": options,
        "allow_other": allow_other,
        "dont_know": dont_know,
        "max_length": max_length if qtype in ("short_text", "long_text", "number") else None,
        "comment_box": comment_box and qtype in CHOICE_TYPES,
        "show_if": show_if,
        "ig_justification": ig_justification.strip(),
        "block": block,
    }
    if qtype == GRID:
        # Only grids carry rows, so every other question's document is as it always was.
        made["rows"] = [row.strip() for row in (rows or []) if row.strip()]
    return made


def add_page(content: dict, title: str) -> dict:
    """A copy of the content with an empty page of that title added at the end."""
    changed = copy.deepcopy(content)
    changed["pages"].append({"title": title.strip(), "show_if": None, "questions": []})
    return changed


def change_page(content: dict, page_index: int, title: str, show_if: dict | None) -> dict:
    """A page's title, and the earlier answer it is shown for (None: always shown)."""
    changed = copy.deepcopy(content)
    page = _page(changed, page_index)
    page["title"], page["show_if"] = title.strip(), show_if
    return changed


def delete_page(content: dict, page_index: int) -> dict:
    """A copy of the content without the page; raises ContentError while it holds questions."""
    changed = copy.deepcopy(content)
    if _page(changed, page_index)["questions"]:
        raise ContentError("Move or delete this page's questions first")
    del changed["pages"][page_index]
    return changed


def _page(content: dict, page_index: int) -> dict:
    if not 0 <= page_index < len(content["pages"]):
        raise ContentError("That page is no longer in the survey")
    return content["pages"][page_index]


def put_question(content: dict, page_index: int, new: dict) -> dict:
    """Replace the question with the same key, or add it at the end of the page."""
    changed = copy.deepcopy(content)
    try:
        p, i = find(changed, new["key"])
    except ContentError:
        _page(changed, page_index)["questions"].append(new)
    else:
        changed["pages"][p]["questions"][i] = new
    return changed


def move_question(content: dict, key: str, direction: int) -> dict:
    """Up (-1) or down (+1) one place; past a page's edge it moves to the next page."""
    changed = copy.deepcopy(content)
    p, i = find(changed, key)
    page = changed["pages"][p]["questions"]
    target = i + direction
    if 0 <= target < len(page):
        page[i], page[target] = page[target], page[i]
    elif 0 <= p + direction < len(changed["pages"]):
        moved = page.pop(i)
        neighbour = changed["pages"][p + direction]["questions"]
        if direction < 0:
            neighbour.append(moved)
        else:
            neighbour.insert(0, moved)
    return changed


def duplicate_question(content: dict, key: str) -> tuple[dict, str]:
    """A copy of the content with a copy of the question after it, and the copy's key."""
    changed = copy.deepcopy(content)
    p, i = find(changed, key)
    twin = copy.deepcopy(changed["pages"][p]["questions"][i])
    twin["key"] = new_key(changed)
    twin["block"] = None
    changed["pages"][p]["questions"].insert(i + 1, twin)
    return changed, twin["key"]


def delete_question(content: dict, key: str) -> dict:
    """Remove it, and any "show only if" that depended on it (it could never be met)."""
    changed = copy.deepcopy(content)
    p, i = find(changed, key)
    del changed["pages"][p]["questions"][i]
    for item in [*changed["pages"], *questions(changed)]:
        if (item.get("show_if") or {}).get("question") == key:
            item["show_if"] = None
    return changed


def rename_answers(content: dict, key: str, renames: dict[str, str]) -> dict:
    """Every "show only if" on question ``key`` follows its answers' new wording."""
    changed = copy.deepcopy(content)
    for item in [*changed["pages"], *questions(changed)]:
        condition = item.get("show_if")
        if condition and condition.get("question") == key:
            condition["equals"] = [renames.get(value, value) for value in condition["equals"]]
    return changed


def add_equality_block(content: dict) -> dict:
    """The standard Census 2021 / NHS equality questions, each with "Prefer not to say", on a
    page of their own at the end (once)."""
    if any(q.get("block") == EQUALITY_BLOCK for q in questions(content)):
        raise ContentError("The equality monitoring questions are already in this survey")
    changed = copy.deepcopy(content)
    block = [
        question(
            f"eq_{item.field}",
            "single_choice",
            item.question,
            help_text=item.hint,
            why_we_ask="So we can check the answers come from people across our communities, "
            "as the Equality Act 2010 asks of us. Answering is optional.",
            required=False,
            options=[label for _code, label in item.options],
            block=EQUALITY_BLOCK,
        )
        for item in EQUALITY_QUESTIONS
    ]
    changed["pages"].append({"title": "About you", "show_if": None, "questions": block})
    return changed
