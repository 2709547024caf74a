"""Themes in the comments: suggestions from TF-IDF and non-negative matrix factorisation
(scikit-learn, offline) with the most representative comments of each; staff confirm, rename,
merge and code comments by hand; counts per theme, and per theme by place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.field_errors import FieldError
from surveys import content as doc
from surveys.fieldwork.models import Answer, SurveyResponse
from surveys.guidance.spec import FREE_TEXT_TYPES
from surveys.models import Survey
from surveys.results.figures import ResultFilters, dimensions, submitted_responses
from surveys.results.models import Theme, ThemeCoding
from surveys.results.redaction import redact

MIN_COMMENTS = 10
MAX_THEMES = 8
PARTS = ("answer", "other", "comment")


class ThemeError(FieldError):
    """The change cannot be made; the message says why."""


def texts(session: Session, survey: Survey) -> list[tuple[int, str, str]]:
    """(answer id, part, text) of every comment in the survey's submitted answers."""
    free = {q["key"] for q in doc.questions(survey.content or {}) if q["type"] in FREE_TEXT_TYPES}
    rows = session.execute(
        sa.select(Answer.id, Answer.question_key, Answer.value, Answer.other_text, Answer.comment)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(*submitted_responses(survey, ResultFilters()))
        .order_by(Answer.id)
    )
    found = []
    for answer_id, key, value, other, comment in rows:
        if key in free and isinstance(value, str) and value.strip():
            found.append((answer_id, "answer", value))
        if other:
            found.append((answer_id, "other", other))
        if comment:
            found.append((answer_id, "comment", comment))
    return found


def suggest(session: Session, survey: Survey, user, now: datetime, count: int | None = None):
    """Replace earlier unconfirmed suggestions with new ones; returns the new themes."""
    from sklearn.decomposition import NMF  # noqa: PLC0415  scikit-learn takes seconds to load
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415  as above

    comments = texts(session, survey)
    if len(comments) < MIN_COMMENTS:
        raise ThemeError(f"Themes can be suggested once there are {MIN_COMMENTS} or more comments")
    vectoriser = TfidfVectorizer(
        stop_words="english", min_df=2, max_df=0.8, ngram_range=(1, 2), sublinear_tf=True
    )
    try:
        matrix = vectoriser.fit_transform([redact(text) for _i, _p, text in comments])
    except ValueError:
        raise ThemeError("The comments share too few words to suggest themes") from None
    terms = vectoriser.get_feature_names_out()
    count = count or max(2, min(MAX_THEMES, len(comments) // 25 + 2, matrix.shape[1] - 1))
    model = NMF(n_components=count, init="nndsvda", random_state=0, max_iter=400)
    weights = model.fit_transform(matrix)
    session.execute(
        sa.delete(Theme).where(Theme.survey_id == survey.id, Theme.confirmed_at.is_(None))
    )
    made = []
    for component in range(count):
        top = model.components_[component].argsort()[::-1][:3]
        name = ", ".join(terms[i] for i in top).capitalize()
        theme = Theme(survey_id=survey.id, name=name[:120], suggested=True, created_at=now)
        session.add(theme)
        made.append(theme)
    session.flush()
    best = weights.argmax(axis=1)
    for row, (answer_id, part, _text) in enumerate(comments):
        score = float(weights[row, best[row]])
        if score > 0:
            session.add(
                ThemeCoding(
                    theme_id=made[best[row]].id, answer_id=answer_id, part=part, score=score
                )
            )
    record_audit(session, user, "themes.suggest", "survey", [survey.id], f"{count} themes", now=now)
    return made


def themes(session: Session, survey: Survey) -> list[Theme]:
    """The survey's themes, oldest first."""
    return list(
        session.scalars(sa.select(Theme).where(Theme.survey_id == survey.id).order_by(Theme.id))
    )


def theme_of(session: Session, survey: Survey, theme_id: int) -> Theme:
    """The survey's theme with that id; raises ThemeError if it is not the survey's."""
    theme = session.get(Theme, theme_id)
    if theme is None or theme.survey_id != survey.id:
        raise ThemeError("That theme is no longer there")
    return theme


def rename(session: Session, survey: Survey, theme_id: int, name: str, confirm: bool, now):
    """Rename a theme (confirming it, if asked); raises ThemeError for an empty name."""
    theme = theme_of(session, survey, theme_id)
    if not name.strip():
        raise ThemeError("Give the theme a name")
    theme.name = name.strip()[:120]
    if confirm and theme.confirmed_at is None:
        theme.confirmed_at = now
    return theme


def create(session: Session, survey: Survey, name: str, now: datetime) -> Theme:
    """Add a theme; raises ThemeError for an empty name."""
    if not name.strip():
        raise ThemeError("Give the theme a name")
    theme = Theme(survey_id=survey.id, name=name.strip()[:120], confirmed_at=now, created_at=now)
    session.add(theme)
    session.flush()
    return theme


def merge(session: Session, survey: Survey, source_id: int, target_id: int) -> Theme:
    """Move the source theme's comments into the target and remove the source."""
    source, target = theme_of(session, survey, source_id), theme_of(session, survey, target_id)
    if source.id == target.id:
        raise ThemeError("Choose a different theme to merge into")
    present = set(
        session.execute(
            sa.select(ThemeCoding.answer_id, ThemeCoding.part).where(
                ThemeCoding.theme_id == target.id
            )
        )
    )
    for coding in session.scalars(sa.select(ThemeCoding).where(ThemeCoding.theme_id == source.id)):
        if (coding.answer_id, coding.part) in present:
            session.delete(coding)
        else:
            coding.theme_id = target.id
    session.flush()
    session.delete(source)
    return target


def delete(session: Session, survey: Survey, theme_id: int) -> None:
    """Delete a theme."""
    session.delete(theme_of(session, survey, theme_id))


def code(session: Session, survey: Survey, answer_id: int, part: str, theme_id: int) -> None:
    """Code a comment to a theme by hand (again coding it there changes nothing)."""
    theme = theme_of(session, survey, theme_id)
    if part not in PARTS or not any(
        i == answer_id and p == part for i, p, _t in texts(session, survey)
    ):
        raise ThemeError("That comment is not part of this survey's answers")
    exists = session.scalar(
        sa.select(ThemeCoding.id).where(
            ThemeCoding.theme_id == theme.id,
            ThemeCoding.answer_id == answer_id,
            ThemeCoding.part == part,
        )
    )
    if exists is None:
        session.add(ThemeCoding(theme_id=theme.id, answer_id=answer_id, part=part, score=None))


@dataclass
class ThemeSummary:
    """A theme with its number of comments, by place, and examples."""

    theme: Theme
    comments: int
    by_place: list[tuple[str, int]]
    examples: list[str]  # the most representative comments, redacted


def summaries(session: Session, survey: Survey) -> list[ThemeSummary]:
    """Each theme of the survey: its comments counted, by place, and three redacted examples."""
    place = dimensions(session)["place"]
    found = []
    text_of = {(i, p): t for i, p, t in texts(session, survey)}
    for theme in themes(session, survey):
        codings = session.scalars(
            sa.select(ThemeCoding)
            .where(ThemeCoding.theme_id == theme.id)
            .order_by(ThemeCoding.score.desc().nulls_last(), ThemeCoding.id)
        ).all()
        places = session.execute(
            sa.select(SurveyResponse.place_id, sa.func.count(sa.distinct(ThemeCoding.answer_id)))
            .join(Answer, Answer.id == ThemeCoding.answer_id)
            .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
            .where(ThemeCoding.theme_id == theme.id)
            .group_by(SurveyResponse.place_id)
        ).all()
        examples = [
            redact(text_of[(c.answer_id, c.part)])
            for c in codings[:3]
            if (c.answer_id, c.part) in text_of
        ]
        found.append(
            ThemeSummary(
                theme,
                len({c.answer_id for c in codings}),
                sorted((place.label_of(p), n) for p, n in places),
                examples,
            )
        )
    return found


def theme_counts(session: Session, survey: Survey) -> list[tuple[str, int]]:
    """Confirmed themes and how many answers were coded to each, largest first."""
    rows = session.execute(
        sa.select(Theme.name, sa.func.count(sa.distinct(ThemeCoding.answer_id)))
        .join(ThemeCoding, ThemeCoding.theme_id == Theme.id, isouter=True)
        .where(Theme.survey_id == survey.id, Theme.confirmed_at.is_not(None))
        .group_by(Theme.id, Theme.name)
        .order_by(sa.func.count(sa.distinct(ThemeCoding.answer_id)).desc(), Theme.name)
    ).all()
    return [(name, int(n)) for name, n in rows]
