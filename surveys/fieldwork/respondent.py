"""Finding a respondent's survey and response from their link, and what each page shows."""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.database import utcnow
from panel.i18n import gettext
from surveys import compound
from surveys.answer_codes import OTHER
from surveys.fieldwork import branching
from surveys.fieldwork.answers import PageResult, answers_of, extras_of, save_page
from surveys.fieldwork.entry import entry_facts
from surveys.fieldwork.models import Invitation, OpenLink, ResponseStatus, SurveyResponse
from surveys.fieldwork.tokens import PersonalLinks, hash_token
from surveys.models import ResultsPage, Survey, SurveyStatus
from surveys.models import is_open as survey_is_open

PUBLIC_STATUSES = (SurveyStatus.LIVE, SurveyStatus.CLOSED)


def results_are_public(session: Session, survey: Survey) -> bool:
    """Whether the survey's results page is published (the closed page links to it)."""
    published = sa.select(ResultsPage.published_at).where(ResultsPage.survey_id == survey.id)
    return session.scalar(published) is not None


def _public_survey(session: Session, survey_id: int) -> Survey | None:
    survey = session.get(Survey, survey_id)
    return survey if survey is not None and survey.status in PUBLIC_STATUSES else None


def personal(session: Session, app: Flask, token: str) -> tuple[Survey, int] | None:
    """The survey and member a personal link names, or None if the link is not genuine."""
    ids = PersonalLinks(app.config["SECRET_KEY"]).read(token)
    if ids is None:
        return None
    survey = _public_survey(session, ids[0])
    return (survey, ids[1]) if survey else None


def existing_personal_response(session: Session, survey: Survey, member_id: int):
    """The member's response to the survey through their invitation, or None."""
    return session.scalar(
        sa.select(SurveyResponse)
        .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
        .where(Invitation.survey_id == survey.id, Invitation.member_id == member_id)
    )


def open_link(session: Session, code: str) -> tuple[OpenLink | None, Survey | None]:
    """The open link with that code and its survey, or (None, None)."""
    found = session.execute(_OPEN_LINK, {"code": code[:32]}).first()
    return (found[0], found[1]) if found else (None, None)


_OPEN_LINK = (
    sa.select(OpenLink, Survey)
    .join(Survey, Survey.id == OpenLink.survey_id)
    .where(OpenLink.code == sa.bindparam("code"), Survey.status.in_(PUBLIC_STATUSES))
)


def resolve(session: Session, app: Flask, kind: str, token: str):
    """(survey, response) for a personal ("s") or open ("r") link; None if the link names no
    survey. A personal link always names its survey, so its response is None when the link has
    not been used yet or the survey was anonymous and has closed (the answers were cut from
    people then, and nothing here links them back)."""
    if kind == "s":
        found = personal(session, app, token)
        if found is None:
            return None
        return found[0], existing_personal_response(session, *found)
    # One query for both: this runs on every page an open-link respondent saves.
    found = session.execute(_OPEN_RESPONSE, {"token_hash": hash_token(token[:64])}).first()
    return (found[1], found[0]) if found else None


_OPEN_RESPONSE = (
    sa.select(SurveyResponse, Survey)
    .join(Survey, Survey.id == SurveyResponse.survey_id)
    .where(
        SurveyResponse.token_hash == sa.bindparam("token_hash"),
        Survey.status.in_(PUBLIC_STATUSES),
    )
)


@dataclass(frozen=True)
class SurveyFacts:
    """What saving a page needs of the survey: save_page takes this or a Survey."""

    id: int
    status: SurveyStatus
    opens_at: datetime | None
    closes_at: datetime | None
    content: dict

    @property
    def pages(self) -> list[dict]:
        return (self.content or {}).get("pages", [])

    def is_open(self, now: datetime) -> bool:
        return survey_is_open(self.status, self.opens_at, self.closes_at, now)


@dataclass
class ResponseFacts:
    """What saving a page needs of the response: save_page takes this or a
    SurveyResponse."""

    id: int
    furthest_page: int
    status: ResponseStatus


def save_answered_page(
    engine: Engine, app: Flask, kind: str, token: str, index: int, typed: dict, now: datetime
) -> PageResult | None:
    """Check and keep one answered page from a personal ("s") or open ("r") link, committed.
    None when the page view must answer instead: an unknown link, a closed survey, or a page
    that does not apply.

    Every answered page comes through here, so it runs on a connection of its own with Core
    statements: loading the survey and response as objects and the session's bookkeeping were
    most of the cost of saving a page."""
    for attempt in (1, 2):
        try:
            with engine.begin() as connection:
                # Reading the facts locks the response (PostgreSQL), before the answers are
                # read, so that another tab's save is in them.
                found = facts_for_saving(connection, app, kind, token)
                if found is None or not found[0].is_open(now):
                    return None
                survey, response = found
                answers = answers_of(connection, response)
                if index not in branching.visible_pages(survey, answers):
                    return None
                # With errors nothing has been written, so leaving the block commits nothing.
                return save_page(
                    connection, survey, response, index, typed, now, answers, locked=True
                )
        except OperationalError:
            # SQLite: another tab saved this response first; read its answers and save again.
            # PostgreSQL: the pooled connection had dropped (the database restarted); the
            # failure emptied the pool, so the second attempt runs on a new connection.
            if attempt == 2:
                raise
    return None


def facts_for_saving(
    connection: Connection, app: Flask, kind: str, token: str
) -> tuple[SurveyFacts, ResponseFacts] | None:
    """Like resolve, in one Core query, which also locks the response's row until the end of
    the transaction (PostgreSQL; see lock_response). None if the link is unknown."""
    if kind == "s":
        ids = PersonalLinks(app.config["SECRET_KEY"]).read(token)
        if ids is None:
            return None
        row = connection.execute(
            _PERSONAL_FACTS, {"survey_id": ids[0], "member_id": ids[1]}
        ).first()
    else:
        row = connection.execute(_OPEN_FACTS, {"token_hash": hash_token(token[:64])}).first()
    if row is None:
        return None
    content = _parsed_content(row.content) if row.content else {}
    return (
        SurveyFacts(row.survey_id, row.status, row.opens_at, row.closes_at, content),
        ResponseFacts(row.response_id, row.furthest_page, row.response_status),
    )


@functools.lru_cache(maxsize=64)
def _parsed_content(text: str) -> dict:
    # Keyed by the text itself, so never stale; parsing a survey's questions on every page was
    # a tenth of saving it. Shared between requests, so read only (saving a page only reads).
    return json.loads(text)


_SURVEYS, _RESPONSES = Survey.__table__, SurveyResponse.__table__
_FACTS = sa.select(
    _RESPONSES.c.id.label("response_id"),
    _RESPONSES.c.furthest_page,
    _RESPONSES.c.status.label("response_status"),
    _SURVEYS.c.id.label("survey_id"),
    _SURVEYS.c.status,
    _SURVEYS.c.opens_at,
    _SURVEYS.c.closes_at,
    sa.cast(_SURVEYS.c.content, sa.Text).label("content"),
).where(sa.or_(*(_SURVEYS.c.status == status for status in PUBLIC_STATUSES)))
# FOR UPDATE OF the response only (SQLite leaves it out): the facts and the lock in one round
# trip. A save that waited for the lock reads the row as the other save left it.
_LOCK = {"of": _RESPONSES}
_OPEN_FACTS = (
    _FACTS.join_from(_RESPONSES, _SURVEYS, _SURVEYS.c.id == _RESPONSES.c.survey_id)
    .where(_RESPONSES.c.token_hash == sa.bindparam("token_hash"))
    .with_for_update(**_LOCK)
)
_INVITATIONS = Invitation.__table__
_PERSONAL_FACTS = (
    _FACTS.join_from(_RESPONSES, _INVITATIONS, _INVITATIONS.c.id == _RESPONSES.c.invitation_id)
    .join(_SURVEYS, _SURVEYS.c.id == _INVITATIONS.c.survey_id)
    .where(
        _INVITATIONS.c.survey_id == sa.bindparam("survey_id"),
        _INVITATIONS.c.member_id == sa.bindparam("member_id"),
    )
    .with_for_update(**_LOCK)
)


@dataclass
class QuestionView:
    """One question on the check-your-answers page, with the answer given."""

    question: dict
    value: object
    other: str
    comment: str
    error: str | None = None

    @property
    def chosen(self) -> list[str]:
        if self.value is None:
            return []
        return [str(v) for v in self.value] if isinstance(self.value, list) else [str(self.value)]


def page_context(
    session: Session, survey: Survey, response: SurveyResponse, index: int, typed: dict | None
) -> dict:
    """The page's questions with what the person typed (after an error) or saved before."""
    answers = answers_of(session, response)
    extras = extras_of(session, response)
    page = survey.pages[index]
    views = []
    for question in branching.visible_questions(page, answers):
        key = question["key"]
        if compound.is_compound(question):
            chosen = (
                compound.typed_values(question, typed)
                if typed is not None
                else compound.form_values(question, answers.get(key))
            )
            views.append(QuestionView(question, chosen, "", ""))
            continue
        if typed is not None:
            raw = typed.get(key, [])
            value = raw if question["type"] == "multiple_choice" else (raw[0] if raw else None)
            other = (typed.get(f"{key}-other") or [""])[0]
            comment = (typed.get(f"{key}-comment") or [""])[0]
        else:
            value = answers.get(key)
            other, comment = extras.get(key, ("", ""))
        views.append(QuestionView(question, value, other, comment))
    shown = branching.visible_pages(survey, answers)
    position = shown.index(index) + 1 if index in shown else 1
    previous = [i for i in shown if i < index]
    return {
        "survey": survey,
        "response": response,
        "page": page,
        "number": index + 1,
        "position": position,
        "total": len(shown),
        "questions": views,
        "previous_number": previous[-1] + 1 if previous else None,
        "other_value": OTHER,
        "entry": entry_facts(session, response),
    }


def check_context(session: Session, survey: Survey, response: SurveyResponse) -> dict:
    """What the check-your-answers page shows."""
    answers = answers_of(session, response)
    extras = extras_of(session, response)
    rows = []
    for index in branching.visible_pages(survey, answers):
        for question in branching.visible_questions(survey.pages[index], answers):
            value = answers.get(question["key"])
            other, comment = extras.get(question["key"], ("", ""))
            shown = value if isinstance(value, list) else ([value] if value is not None else [])
            text = ", ".join(other or gettext("Other") if v == OTHER else str(v) for v in shown)
            if compound.is_compound(question):
                text = compound.describe(question, value)
            rows.append((index + 1, question, text or gettext("Not answered"), comment))
    return {
        "survey": survey,
        "response": response,
        "rows": rows,
        "entry": entry_facts(session, response),
    }


def email_resume_link(session: Session, app: Flask, survey: Survey, token: str, email: str):
    """Send an open-link respondent their link; the address is used for this email only."""
    queue_email(
        session,
        to_email=email,
        template="survey_resume",
        context={
            "survey_title": survey.title,
            "closes_at": survey.closes_at,
            "resume_url": f"{app.config['PUBLIC_BASE_URL']}/r/{token}/page/1",
        },
        idempotency_key=f"survey-resume:{uuid.uuid4().hex}",
        now=utcnow(),
    )
