"""The question bank: every question of the earlier surveys a user may see, searchable by its
words and filtered by survey and type, with a link to its past results; with no search, the
questions "what do we already know" finds most like the survey being written. Copying one in
goes through the same content rules as any other question."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from surveys import content as doc
from surveys.guidance.questions import EQUALITY_BLOCK
from surveys.models import Survey, SurveyStatus
from surveys.services import authoring, similar

#: the most questions one search shows.
SHOWN = 30
RESULTS_STATES = (SurveyStatus.LIVE, SurveyStatus.CLOSED)


class BankError(authoring.AuthoringError):
    """The question cannot be copied in; the message says why."""


@dataclass(frozen=True)
class BankEntry:
    """One question of an earlier survey, and whether that survey has results to look at."""

    survey: Survey
    question: dict

    @property
    def has_results(self) -> bool:
        return self.survey.status in RESULTS_STATES


@dataclass(frozen=True)
class BankSearch:
    """What the author searched for; all empty shows the suggestions."""

    text: str = ""
    survey_id: int | None = None
    question_type: str = ""

    @property
    def any(self) -> bool:
        return bool(self.text.strip() or self.survey_id or self.question_type)


def bank_surveys(session: Session, user: StaffUser, survey: Survey) -> list[Survey]:
    """The other surveys whose questions the user may reuse (their places'), newest first."""
    statement = sa.select(Survey).where(Survey.id != survey.id)
    statement = scope_to_places(statement, user, Survey.place_id)
    return list(session.scalars(statement.order_by(Survey.created_at.desc(), Survey.id.desc())))


def _entries(surveys: list[Survey]) -> list[BankEntry]:
    return [
        BankEntry(source, question)
        for source in surveys
        for question in doc.questions(source.content or {})
        if question.get("block") != EQUALITY_BLOCK
    ]


def _matches(entry: BankEntry, words: list[str]) -> bool:
    haystack = " ".join(
        [entry.question["text"], entry.question.get("help_text", ""), *entry.question["options"]]
    ).casefold()
    return all(word in haystack for word in words)


def search_bank(
    session: Session, user: StaffUser, survey: Survey, search: BankSearch
) -> list[BankEntry]:
    """Questions of the user's other surveys: those whose wording or answers hold every word
    searched for, of the survey and type chosen; with no search, the ones most like this
    survey's plan and what we already know (see surveys.services.similar). Only reads."""
    surveys = bank_surveys(session, user, survey)
    if search.survey_id:
        surveys = [s for s in surveys if s.id == search.survey_id]
    entries = _entries(surveys)
    if search.question_type:
        entries = [e for e in entries if e.question["type"] == search.question_type]
    if not search.any:
        query = " ".join([survey.title, survey.purpose, survey.decision, survey.already_known])
        ranked = similar.rank_texts(query, [e.question["text"] for e in entries], SHOWN)
        return [entries[index] for index, _score in ranked]
    words = search.text.casefold().split()
    return [e for e in entries if _matches(e, words)][:SHOWN]


def copy_from_bank(
    session: Session,
    user: StaffUser,
    survey: Survey,
    source_id: int,
    key: str,
    page_index: int,
    now: datetime,
) -> str:
    """Copy question ``key`` of survey ``source_id`` to the end of page ``page_index``, under a
    new key and without its "show only if" (which named the other survey's questions); returns
    the new key. Raises BankError (or AuthoringError from the content rules)."""
    source = next((s for s in bank_surveys(session, user, survey) if s.id == source_id), None)
    if source is None:
        raise BankError("That survey is not one you can reuse questions from")
    try:
        page, index = doc.find(source.content or {}, key)
    except doc.ContentError as error:
        raise BankError("That question is no longer in its survey") from error
    question = copy.deepcopy(source.content["pages"][page]["questions"][index])
    if question.get("block") == EQUALITY_BLOCK:
        raise BankError("Add the standard equality questions from the survey page instead")
    if not 0 <= page_index < len(survey.pages):
        raise BankError("That page is no longer in the survey")
    question.update(key=authoring.new_question_key(survey), show_if=None, block=None)
    return authoring.save_question(survey, page_index, question, now)
