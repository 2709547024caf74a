"""Coding comments to themes at the scale of a real consultation: the comments a page at a time,
searchable and narrowed to those not yet coded, how many are still uncoded, and one theme applied
to many comments at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.models import Survey
from surveys.results.models import Theme, ThemeCoding
from surveys.results.redaction import redact
from surveys.results.themes import ThemeError, texts, theme_of

PAGE_SIZE = 50
#: the most comments one submit may code (more than any page shows; a forged form is refused).
MAX_AT_ONCE = 500


@dataclass
class CodingItem:
    """One comment (a part of an answer) and the themes it is coded to."""

    answer_id: int
    part: str
    text: str  # redacted
    themes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The comment's value in the coding form: answer id and part."""
        return f"{self.answer_id}-{self.part}"


@dataclass
class CodingPage:
    """A page of comments to code and the survey's counts."""

    items: list[CodingItem]
    matching: int  # comments matching the search and the choice of all or uncoded
    total: int  # every comment of the survey
    uncoded: int  # comments coded to no theme
    page: int
    pages: int


def _coded(session: Session, survey: Survey) -> dict[tuple[int, str], list[str]]:
    rows = session.execute(
        sa.select(ThemeCoding.answer_id, ThemeCoding.part, Theme.name)
        .join(Theme, Theme.id == ThemeCoding.theme_id)
        .where(Theme.survey_id == survey.id)
        .order_by(Theme.name)
    )
    found: dict[tuple[int, str], list[str]] = {}
    for answer_id, part, name in rows:
        found.setdefault((answer_id, part), []).append(name)
    return found


def coding_page(
    session: Session, survey: Survey, search: str = "", uncoded_only: bool = False, page: int = 1
) -> CodingPage:
    """One page of the survey's comments, oldest first, matching ``search`` (case-insensitive,
    in the redacted text) and, if ``uncoded_only``, coded to no theme yet."""
    coded = _coded(session, survey)
    everything = texts(session, survey)
    needle = search.strip().casefold()
    matching = []
    for answer_id, part, text in everything:
        if uncoded_only and (answer_id, part) in coded:
            continue
        shown = redact(text)
        if needle and needle not in shown.casefold():
            continue
        matching.append(CodingItem(answer_id, part, shown, coded.get((answer_id, part), [])))
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    uncoded = sum(1 for answer_id, part, _text in everything if (answer_id, part) not in coded)
    return CodingPage(
        matching[start : start + PAGE_SIZE], len(matching), len(everything), uncoded, page, pages
    )


def parse_keys(values: list[str]) -> list[tuple[int, str]]:
    """The (answer id, part) of each "<answer id>-<part>" form value. Raises ThemeError."""
    found = []
    for value in values:
        answer_id, _dash, part = str(value).partition("-")
        if not answer_id.isdigit() or len(answer_id) > 12:
            raise ThemeError("Choose comments from the list", "comments")
        found.append((int(answer_id), part))
    return found


def code_many(
    session: Session, survey: Survey, theme_id: int, comments: list[tuple[int, str]]
) -> int:
    """Code each comment to the theme (one already coded there is left as it is); returns how
    many were newly coded. Raises ThemeError naming the field for no comments, too many, one
    that is not this survey's, or another survey's theme."""
    if not comments:
        raise ThemeError("Choose at least one comment", "comments")
    if len(comments) > MAX_AT_ONCE:
        raise ThemeError(f"Choose {MAX_AT_ONCE} comments or fewer at once", "comments")
    theme = theme_of(session, survey, theme_id)
    known = {(answer_id, part) for answer_id, part, _text in texts(session, survey)}
    chosen = set(comments)
    if not chosen <= known:
        raise ThemeError("Choose comments from the list", "comments")
    already = set(
        session.execute(
            sa.select(ThemeCoding.answer_id, ThemeCoding.part).where(
                ThemeCoding.theme_id == theme.id
            )
        )
    )
    new = sorted(chosen - already)
    session.add_all(
        ThemeCoding(theme_id=theme.id, answer_id=answer_id, part=part, score=None)
        for answer_id, part in new
    )
    session.flush()
    return len(new)
