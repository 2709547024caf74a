"""Hypothesis strategies for surveys the builder accepts: varied question types, answers,
branching on earlier questions and pages, and odd but allowed text. A drawn survey is a recipe,
so the same survey can be built through the services or as a plain document."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from surveys import content as doc
from surveys.compound import COMPOUND_TYPES
from surveys.guidance.spec import CHOICE_TYPES, QUESTION_TYPES
from surveys.validation import (
    ANSWER_LIMIT_MAX,
    NOTE_MAX,
    OPTION_MAX,
    PAGE_TITLE_MAX,
    TEXT_MAX,
)

# Any printable character, from any script (astral ones included); line breaks only where the
# builder takes several lines. Control characters and lone surrogates are refused, so never here.
_ONE_LINE = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
_LINES = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n")


def one_line(max_size: int, limit: int) -> st.SearchStrategy[str]:
    """Trimmed, non-empty text on one line; now and then exactly ``limit`` characters long."""
    short = st.text(_ONE_LINE, min_size=1, max_size=max_size).map(str.strip).filter(bool)
    at_limit = st.sampled_from("aé€𝔘").map(lambda c: c * limit)
    return st.one_of(short, short, short, short, at_limit)


def lines(max_size: int, limit: int) -> st.SearchStrategy[str]:
    text = st.text(_LINES, min_size=1, max_size=max_size).map(str.strip).filter(bool)
    at_limit = st.sampled_from("ab€").map(lambda c: c * limit)
    return st.one_of(text, text, text, text, at_limit)


KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True).filter(
    lambda key: not key.startswith("eq_")  # the equality block's own keys
)


@dataclass
class SurveyRecipe:
    """Pages in order: each a title, its questions (as the builder makes them) and the earlier
    answer it is shown for; and whether the equality block ends it."""

    page_titles: list[str]
    questions: list[list[dict]]
    page_conditions: list[dict | None]
    equality_block: bool = False
    keys: list[str] = field(default_factory=list)

    def content(self) -> dict:
        """The same survey as a plain document, made with the builder's own functions."""
        content = doc.empty()
        content["pages"][0]["title"] = self.page_titles[0]
        for title in self.page_titles[1:]:
            content = doc.add_page(content, title)
        for p, questions in enumerate(self.questions):
            for question in questions:
                content = doc.put_question(content, p, question)
        for p, condition in enumerate(self.page_conditions):
            content = doc.change_page(content, p, self.page_titles[p], condition)
        return doc.add_equality_block(content) if self.equality_block else content


def _condition(draw, earlier: list[dict]) -> dict | None:
    """Shown only for some of the own answers of one of ``earlier`` with answers to choose from
    (None: always shown)."""
    choosable = [q for q in earlier if q["type"] in CHOICE_TYPES]
    if not choosable or not draw(st.booleans()):
        return None
    target = draw(st.sampled_from(choosable))
    values = st.sampled_from(target["options"])
    equals = draw(st.lists(values, min_size=1, max_size=3, unique=True))
    return {"question": target["key"], "equals": equals}


def _question(draw, key: str, earlier: list[dict]) -> dict:
    qtype = draw(st.sampled_from(QUESTION_TYPES))
    options: list[str] = []
    rows = None
    if qtype in CHOICE_TYPES or qtype in COMPOUND_TYPES:
        fewest = 0 if qtype == "rating_scale" else 2  # an empty scale gets the default one
        answers = one_line(30, OPTION_MAX).filter(lambda o: o != doc.DONT_KNOW)
        options = draw(
            st.lists(answers, min_size=fewest, max_size=7, unique=True).filter(
                lambda o: len(o) != 1
            )
        )
    if qtype == "grid":
        rows = draw(st.lists(one_line(30, OPTION_MAX), min_size=2, max_size=5, unique=True))
    return doc.question(
        key,
        qtype,
        draw(lines(80, TEXT_MAX)),
        help_text=draw(st.one_of(st.just(""), lines(60, NOTE_MAX))),
        why_we_ask=draw(st.one_of(st.just(""), lines(60, NOTE_MAX))),
        required=draw(st.booleans()),
        options=options,
        allow_other=draw(st.booleans()),
        dont_know=draw(st.booleans()),
        max_length=draw(st.one_of(st.none(), st.integers(1, ANSWER_LIMIT_MAX))),
        comment_box=draw(st.booleans()),
        show_if=_condition(draw, earlier),
        rows=rows,
    )


@st.composite
def survey_recipes(draw, max_pages: int = 4, max_per_page: int = 4) -> SurveyRecipe:
    """A survey the builder accepts, with at least one question."""
    counts = draw(
        st.lists(st.integers(0, max_per_page), min_size=1, max_size=max_pages).filter(
            lambda c: sum(c) > 0
        )
    )
    keys = draw(st.lists(KEYS, min_size=sum(counts), max_size=sum(counts), unique=True))
    titles = [draw(st.one_of(st.just(""), one_line(30, PAGE_TITLE_MAX))) for _ in counts]
    pages: list[list[dict]] = []
    conditions: list[dict | None] = []
    earlier: list[dict] = []
    for count in counts:
        # A page may depend on a question on an earlier page only.
        conditions.append(_condition(draw, earlier) if pages else None)
        page = []
        for _ in range(count):
            question = _question(draw, keys[len(earlier) + len(page)], earlier + page)
            page.append(question)
        pages.append(page)
        earlier += page
    return SurveyRecipe(titles, pages, conditions, draw(st.booleans()), keys)
