"""Taking part: starting a response from a personal or open link, finding the page to carry on
from, and submitting exactly once. The answers themselves are recorded by fieldwork.answers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from panel.members.models import Member, MemberStatus
from panel.members.reference import EQUALITY_FIELDS
from panel.segments.models import ContactKind, MemberContact
from surveys.fieldwork.answers import answers_of, refresh_answer_codes
from surveys.fieldwork.branching import require_open, visible_pages, visible_questions
from surveys.fieldwork.entry import record_entry_sent
from surveys.fieldwork.models import (
    Invitation,
    OpenLink,
    ResponseChannel,
    ResponseStatus,
    SurveyResponse,
)
from surveys.fieldwork.tokens import hash_token, new_resume_token
from surveys.models import Survey


def start_personal(
    session: Session, survey: Survey, member_id: int, now: datetime
) -> SurveyResponse | None:
    """The member's one response to this survey, made on first use. None when the member is
    no longer on the panel. Raises SurveyClosed. Safe under concurrent first visits."""
    require_open(survey, now)
    member = session.get(Member, member_id)
    if member is None or member.status is not MemberStatus.ACTIVE:
        return None
    invitation = _insert_once(
        session,
        Invitation,
        {
            "survey_id": survey.id,
            "member_id": member_id,
            "place_id": member.place_id,
            "invited_at": now,
            "channel": "bulletin",
        },
        sa.select(Invitation).where(
            Invitation.survey_id == survey.id, Invitation.member_id == member_id
        ),
    )
    response = _insert_once(
        session,
        SurveyResponse,
        {
            "survey_id": survey.id,
            "invitation_id": invitation.id,
            "started_at": now,
            "updated_at": now,
            "source": "Personal invitation",
        },
        sa.select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id),
    )
    return response


def _insert_once(session: Session, model, values: dict, existing):
    """The one row ``existing`` finds, inserted from ``values`` unless it is there already or a
    concurrent request inserts it first (INSERT ... ON CONFLICT DO NOTHING: no error, no
    rollback, so the caller's transaction goes on and the caller commits)."""
    found = session.scalars(existing).one_or_none()
    if found is not None:
        return found
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).values(values).on_conflict_do_nothing())
    return session.scalars(existing).one()


def start_open(session: Session, survey: Survey, link: OpenLink, now: datetime):
    """A new anonymous response from an open link, and its resume token. Raises SurveyClosed."""
    require_open(survey, now)
    token, token_hash = new_resume_token()
    response = SurveyResponse(
        survey_id=survey.id,
        open_link_id=link.id,
        token_hash=token_hash,
        started_at=now,
        updated_at=now,
        source=link.source,
    )
    session.add(response)
    session.flush()
    return response, token


def open_response_for(session: Session, token: str) -> SurveyResponse | None:
    """The open-link response this resume token belongs to, if any."""
    return session.scalar(
        sa.select(SurveyResponse).where(SurveyResponse.token_hash == hash_token(token))
    )


def resume_page(session: Session, survey: Survey, response: SurveyResponse) -> int:
    """Where someone coming back carries on: the furthest page they reached that applies."""
    pages = visible_pages(survey, answers_of(session, response))
    later = [i for i in pages if i >= response.furthest_page - 1]
    return later[0] if later else (pages[-1] if pages else 0)


def first_unanswered_page(session: Session, survey: Survey, response: SurveyResponse) -> int:
    """The first page with a required question unanswered (else the last page that applies)."""
    answers = answers_of(session, response)
    pages = visible_pages(survey, answers)
    for index in pages:
        if any(
            q["required"] and q["key"] not in answers
            for q in visible_questions(survey.pages[index], answers)
        ):
            return index
    return pages[-1] if pages else 0


def missing_page(session: Session, survey: Survey, response: SurveyResponse) -> int | None:
    """The first page with a required question still unanswered, if any."""
    answers = answers_of(session, response)
    for index in visible_pages(survey, answers):
        for question in visible_questions(survey.pages[index], answers):
            if question["required"] and question["key"] not in answers:
                return index
    return None


_SUBMIT = (
    sa.update(SurveyResponse.__table__)
    .where(
        SurveyResponse.__table__.c.id == sa.bindparam("response_id"),
        SurveyResponse.__table__.c.status == ResponseStatus.IN_PROGRESS,
    )
    .values(
        status=ResponseStatus.SUBMITTED,
        submitted_at=sa.bindparam("now"),
        updated_at=sa.bindparam("now"),
    )
)


def submit(session: Session, survey: Survey, response: SurveyResponse, now: datetime) -> bool:
    """Submit once: True for this submission, False when it was already submitted (another tab,
    a double click). Copies the respondent's place, age band and consented equality answers onto
    the response. Raises SurveyClosed."""
    require_open(survey, now)
    session.flush()  # anything pending goes first, as session.execute would send it
    submitted = (
        session.connection().execute(_SUBMIT, {"response_id": response.id, "now": now}).rowcount
    )
    if submitted != 1:
        return False
    # This request's UPDATE is the one that counted: keep the object in step without a reload.
    for name, value in (
        ("status", ResponseStatus.SUBMITTED),
        ("submitted_at", now),
        ("updated_at", now),
    ):
        set_committed_value(response, name, value)
    member = _member_of(session, response)
    if member is not None:
        response.place_id = member.place_id
        response.neighbourhood_id = member.neighbourhood_id
        response.age_band = member.age_band or ""
        if member.equality is not None:
            response.equality = {
                name: getattr(member.equality, name)
                for name in EQUALITY_FIELDS
                if getattr(member.equality, name)
            }
        session.add(
            MemberContact(
                member_id=member.id,
                kind=ContactKind.SURVEY_RESPONSE,
                reference_id=survey.id,
                at=now,
            )
        )
    if response.channel is not ResponseChannel.ONLINE:
        record_entry_sent(session, response, now)
    refresh_answer_codes(session, survey, response)
    return True


def _member_of(session: Session, response: SurveyResponse) -> Member | None:
    if response.invitation_id is None:
        return None
    member_id = session.scalar(
        sa.select(Invitation.member_id).where(Invitation.id == response.invitation_id)
    )
    return session.get(Member, member_id) if member_id else None
