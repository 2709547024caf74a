"""Finding a respondent's survey and response from their link, and what each page shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from mailer.queue import queue_email
from panel.database import utcnow
from surveys.fieldwork import answering
from surveys.fieldwork.models import Invitation, OpenLink, SurveyResponse
from surveys.fieldwork.tokens import PersonalLinks, hash_token
from surveys.models import Survey, SurveyStatus

PUBLIC_STATUSES = (SurveyStatus.LIVE, SurveyStatus.CLOSED)


def _public_survey(session: Session, survey_id: int) -> Survey | None:
    survey = session.get(Survey, survey_id)
    return survey if survey is not None and survey.status in PUBLIC_STATUSES else None


def personal(session: Session, app: Flask, token: str) -> tuple[Survey, int] | None:
    ids = PersonalLinks(app.config["SECRET_KEY"]).read(token)
    if ids is None:
        return None
    survey = _public_survey(session, ids[0])
    return (survey, ids[1]) if survey else None


def existing_personal_response(session: Session, survey: Survey, member_id: int):
    return session.scalar(
        sa.select(SurveyResponse)
        .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
        .where(Invitation.survey_id == survey.id, Invitation.member_id == member_id)
    )


def open_link(session: Session, code: str) -> tuple[OpenLink | None, Survey | None]:
    link = session.scalar(sa.select(OpenLink).where(OpenLink.code == code[:32]))
    survey = _public_survey(session, link.survey_id) if link else None
    return (link, survey) if survey else (None, None)


def resolve(session: Session, app: Flask, kind: str, token: str):
    """(survey, response) for a personal ("s") or open ("r") link; None if unknown."""
    if kind == "s":
        found = personal(session, app, token)
        if found is None:
            return None
        response = existing_personal_response(session, *found)
        return (found[0], response) if response else None
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


@dataclass
class QuestionView:
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
    answers = answering.answers_of(session, response)
    extras = answering.extras_of(session, response)
    page = survey.pages[index]
    views = []
    for question in answering.visible_questions(page, answers):
        key = question["key"]
        if typed is not None:
            raw = typed.get(key, [])
            value = raw if question["type"] == "multiple_choice" else (raw[0] if raw else None)
            other = (typed.get(f"{key}-other") or [""])[0]
            comment = (typed.get(f"{key}-comment") or [""])[0]
        else:
            value = answers.get(key)
            other, comment = extras.get(key, ("", ""))
        views.append(QuestionView(question, value, other, comment))
    shown = answering.visible_pages(survey, answers)
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
        "other_value": answering.OTHER,
    }


def check_context(session: Session, survey: Survey, response: SurveyResponse) -> dict:
    answers = answering.answers_of(session, response)
    extras = answering.extras_of(session, response)
    rows = []
    for index in answering.visible_pages(survey, answers):
        for question in answering.visible_questions(survey.pages[index], answers):
            value = answers.get(question["key"])
            other, comment = extras.get(question["key"], ("", ""))
            shown = value if isinstance(value, list) else ([value] if value is not None else [])
            text = ", ".join(other or "Other" if v == answering.OTHER else str(v) for v in shown)
            rows.append((index + 1, question, text or "Not answered", comment))
    return {"survey": survey, "response": response, "rows": rows}


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
