"""What do we already know: earlier surveys and questions like the one being written, found by
TF-IDF similarity over every other survey (their dates, audiences and links), so the author can
reuse findings instead of asking people again."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys import content as doc
from surveys.models import Survey

#: below this cosine similarity a match is more noise than help.
MIN_SIMILARITY = 0.2


@dataclass
class SimilarSurvey:
    """An earlier survey like this one, and how alike."""

    survey: Survey
    score: float


@dataclass
class SimilarQuestion:
    """A question of an earlier survey like this one, and how alike."""

    survey: Survey
    text: str
    score: float


def _survey_text(survey: Survey) -> str:
    questions = " ".join(q["text"] for q in doc.questions(survey.content or {}))
    return f"{survey.title} {survey.purpose} {survey.decision} {questions}"


def _others(session: Session, survey: Survey) -> list[Survey]:
    return list(session.scalars(sa.select(Survey).where(Survey.id != survey.id)))


def _rank(query: str, corpus: list[str], limit: int) -> list[tuple[int, float]]:
    if not query.strip() or not corpus:
        return []
    # Imported here: scikit-learn takes seconds to load, and most web requests never rank.
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415  see above
    from sklearn.metrics.pairwise import linear_kernel  # noqa: PLC0415  see above

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([query, *corpus])
    except ValueError:  # every word was a stop word
        return []
    scores = linear_kernel(matrix[0:1], matrix[1:]).ravel()
    ranked = sorted(enumerate(scores), key=lambda pair: -pair[1])[:limit]
    return [(index, float(score)) for index, score in ranked if score >= MIN_SIMILARITY]


def rank_texts(query: str, corpus: list[str], limit: int) -> list[tuple[int, float]]:
    """(index into ``corpus``, similarity) of the texts most like ``query``, best first."""
    return _rank(query, corpus, limit)


def similar_surveys(session: Session, survey: Survey, limit: int = 5) -> list[SimilarSurvey]:
    """Earlier surveys most like this one by title, purpose and decision."""
    others = _others(session, survey)
    query = f"{survey.title} {survey.purpose} {survey.decision}"
    ranked = _rank(query, [_survey_text(other) for other in others], limit)
    return [SimilarSurvey(others[index], round(score, 2)) for index, score in ranked]


def similar_questions(
    session: Session, survey: Survey, text: str, limit: int = 5
) -> list[SimilarQuestion]:
    """Questions of earlier surveys most like the text."""
    pairs = [
        (other, question["text"])
        for other in _others(session, survey)
        for question in doc.questions(other.content or {})
        if question.get("block") is None
    ]
    ranked = _rank(text, [question for _survey, question in pairs], limit)
    return [SimilarQuestion(pairs[i][0], pairs[i][1], round(score, 2)) for i, score in ranked]
