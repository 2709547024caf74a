"""Answering a survey: starting from a personal or open link, saving page by page with every
answer checked against the published questions, branching, and submitting exactly once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from panel.members.models import Member, MemberStatus
from panel.members.reference import EQUALITY_FIELDS
from panel.segments.models import ContactKind, MemberContact
from surveys.answer_codes import OTHER, encode, layout_of
from surveys.fieldwork.models import (
    Answer,
    Invitation,
    OpenLink,
    ResponseStatus,
    SurveyResponse,
)
from surveys.fieldwork.tokens import hash_token, new_resume_token
from surveys.models import Survey

if TYPE_CHECKING:
    from surveys.fieldwork.respondent import ResponseFacts, SurveyFacts

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
COMMENT_MAX = 2000
_NUMBER = re.compile(r"^-?\d{1,9}([.,]\d{1,3})?$")


class SurveyClosed(Exception):
    """The survey is not open now (not yet, or closed)."""


@dataclass
class PageResult:
    """What saving a page of answers gave: errors by question, and the page that comes next."""

    errors: dict[str, str] = field(default_factory=dict)
    next_page: int | None = None  # None: the check-your-answers page comes next


def _value_matches(value, wanted: list) -> bool:
    wanted = {str(w) for w in wanted}
    if isinstance(value, list):
        return bool(wanted.intersection(str(v) for v in value))
    return value is not None and str(value) in wanted


def is_shown(item: dict, answers: dict) -> bool:
    """Whether a page or question shows, given its show_if condition and the answers so far."""
    condition = item.get("show_if")
    return not condition or _value_matches(answers.get(condition["question"]), condition["equals"])


def visible_pages(survey: Survey, answers: dict) -> list[int]:
    """Indexes of the pages shown for these answers."""
    return [i for i, page in enumerate(survey.pages) if is_shown(page, answers)]


def visible_questions(page: dict, answers: dict) -> list[dict]:
    """The questions of the page shown for these answers."""
    return [q for q in page["questions"] if is_shown(q, answers)]


# Built once, on the tables rather than the entities, and run on a connection (a page save's
# own, or the session's): these run on every page a respondent saves, and the ORM's
# per-statement work (and keeping loaded Answer objects in step, which never exist here) would
# be most of it.
_ANSWER_ROWS = Answer.__table__
_ANSWERS = sa.select(_ANSWER_ROWS.c.question_key, _ANSWER_ROWS.c.value).where(
    _ANSWER_ROWS.c.response_id == sa.bindparam("response_id")
)
_DELETE_PAGE = sa.delete(_ANSWER_ROWS).where(
    _ANSWER_ROWS.c.response_id == sa.bindparam("response_id"),
    _ANSWER_ROWS.c.question_key.in_(sa.bindparam("keys", expanding=True)),
)


_INSERT_ANSWERS = sa.insert(_ANSWER_ROWS)
_LOCK_RESPONSE = (
    sa.select(SurveyResponse.__table__.c.id)
    .where(SurveyResponse.__table__.c.id == sa.bindparam("response_id"))
    .with_for_update()
)
_STATUS = sa.select(SurveyResponse.__table__.c.status).where(
    SurveyResponse.__table__.c.id == sa.bindparam("response_id")
)
_CODES = (
    sa.update(SurveyResponse.__table__)
    .where(SurveyResponse.__table__.c.id == sa.bindparam("response_id"))
    .values(answer_codes=sa.bindparam("codes"))
)
_PROGRESS = (
    sa.update(SurveyResponse.__table__)
    .where(SurveyResponse.__table__.c.id == sa.bindparam("response_id"))
    .values(furthest_page=sa.bindparam("furthest"), updated_at=sa.bindparam("now"))
)


def _rows(db: Session | Connection) -> Connection:
    """A connection for the Core statements above: the one given (a page save runs on its own),
    or the session's, flushed first as session.execute would in case Answer objects were added
    through the ORM."""
    if isinstance(db, Connection):
        return db
    if db.new or db.dirty:
        db.flush()
    return db.connection()


def answers_of(db: Session | Connection, response: SurveyResponse | ResponseFacts) -> dict:
    """The response's answers by question key."""
    return dict(_rows(db).execute(_ANSWERS, {"response_id": response.id}).all())


def extras_of(session: Session, response: SurveyResponse) -> dict[str, tuple[str, str]]:
    """question key -> (other text, comment), for refilling forms."""
    return {
        key: (other, comment)
        for key, other, comment in session.execute(
            sa.select(Answer.question_key, Answer.other_text, Answer.comment).where(
                Answer.response_id == response.id
            )
        )
    }


def _require_open(survey: Survey, now: datetime) -> None:
    if not survey.is_open(now):
        raise SurveyClosed()


def start_personal(
    session: Session, survey: Survey, member_id: int, now: datetime
) -> SurveyResponse | None:
    """The member's one response to this survey, made on first use. None when the member is
    no longer on the panel. Raises SurveyClosed. Safe under concurrent first visits."""
    _require_open(survey, now)
    member = session.get(Member, member_id)
    if member is None or member.status is not MemberStatus.ACTIVE:
        return None
    invitation = session.scalar(
        sa.select(Invitation).where(
            Invitation.survey_id == survey.id, Invitation.member_id == member_id
        )
    )
    if invitation is None:
        invitation = _insert_once(
            session,
            Invitation(
                survey_id=survey.id,
                member_id=member_id,
                place_id=member.place_id,
                invited_at=now,
                channel="bulletin",
            ),
            sa.select(Invitation).where(
                Invitation.survey_id == survey.id, Invitation.member_id == member_id
            ),
        )
    response = session.scalar(
        sa.select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id)
    )
    if response is None:
        response = _insert_once(
            session,
            SurveyResponse(
                survey_id=survey.id,
                invitation_id=invitation.id,
                started_at=now,
                updated_at=now,
                source="Personal invitation",
            ),
            sa.select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id),
        )
    return response


def _insert_once(session: Session, row, existing):
    """Insert, or if a concurrent request inserted the same unique row first, use that one.
    Commits (this is the first write of a request; nothing else is pending)."""
    try:
        session.add(row)
        session.commit()
        return row
    except sa.exc.IntegrityError:
        session.rollback()
        return session.scalars(existing).one()


def start_open(session: Session, survey: Survey, link: OpenLink, now: datetime):
    """A new anonymous response from an open link, and its resume token. Raises SurveyClosed."""
    _require_open(survey, now)
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
    """The unsubmitted open-link response the token resumes, or None."""
    return session.scalar(
        sa.select(SurveyResponse).where(SurveyResponse.token_hash == hash_token(token))
    )


def _clean(question: dict, raw: list[str], other: str, comment: str) -> tuple[object, str | None]:
    """The stored value for one question, or an error message for the person."""
    kind, options = question["type"], question["options"]
    allowed = set(options) | ({OTHER} if question["allow_other"] else set())
    chosen = [value for value in raw if value != ""]
    if kind in ("single_choice", "rating_scale"):
        value = chosen[0] if len(chosen) == 1 else None
        if len(chosen) > 1 or (value is not None and value not in allowed):
            return None, "Choose one of the answers shown"
        if value == OTHER and not other.strip():
            return None, "Say what your other answer is"
        return value, None
    if kind == "multiple_choice":
        if len(set(chosen)) != len(chosen) or not set(chosen) <= allowed:
            return None, "Choose from the answers shown"
        if OTHER in chosen and not other.strip():
            return None, "Say what your other answer is"
        return chosen or None, None
    text = chosen[0].strip() if chosen else ""
    if len(chosen) > 1:
        return None, "Give one answer"
    if kind == "number":
        if text and not _NUMBER.match(text):
            return None, "Enter a number, like 3 or 12.5"
        limit = question.get("max_length")
        if text and limit is not None and abs(float(text.replace(",", "."))) > limit:
            return None, f"Enter a number no bigger than {limit:,}"
        return text or None, None
    limit = question.get("max_length") or (
        SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
    )
    if len(text) > limit:
        return None, f"Keep your answer to {limit:,} characters or fewer (it has {len(text):,})"
    return text or None, None


def save_page(
    db: Session | Connection,
    survey: Survey | SurveyFacts,
    response: SurveyResponse | ResponseFacts,
    page_index: int,
    form: dict[str, list[str]],
    now: datetime,
    answers: dict | None = None,
    *,
    locked: bool = False,
) -> PageResult:
    """Check and keep one page's answers (fields for questions not on the page are ignored),
    then say which page comes next given the branching. ``survey`` and ``response`` may be the
    objects or respondent's SurveyFacts and ResponseFacts. ``answers`` are the saved answers if
    the caller has just read them, and ``locked`` says it read them after lock_response.
    Raises SurveyClosed."""
    _require_open(survey, now)
    connection = _rows(db)
    if not locked and lock_response(connection, response):
        answers = None  # another save may have finished while we waited: read them again
    answers = answers if answers is not None else answers_of(connection, response)
    page = survey.pages[page_index]
    shown = visible_questions(page, answers)
    result, rows = PageResult(), []
    for question in shown:
        key = question["key"]
        other = (form.get(f"{key}-other") or [""])[0][: SHORT_TEXT_MAX + 1]
        comment = (form.get(f"{key}-comment") or [""])[0]
        value, error = _clean(question, form.get(key, []), other, comment)
        if error is None and value is None and question["required"]:
            error = (
                "Answer this question"
                if question["type"] not in ("single_choice", "rating_scale", "multiple_choice")
                else "Choose an answer"
            )
        if error is None and len(other) > SHORT_TEXT_MAX:
            error = f"Keep your other answer to {SHORT_TEXT_MAX} characters or fewer"
        if error is None and len(comment) > COMMENT_MAX:
            error = f"Keep your comment to {COMMENT_MAX:,} characters or fewer"
        if error:
            result.errors[key] = error
        elif value is not None or comment.strip():
            rows.append(
                {
                    "response_id": response.id,
                    "question_key": key,
                    "value": value,
                    "other_text": other.strip() if _has_other(value) else "",
                    "comment": comment.strip(),
                }
            )
    if result.errors:
        return result
    page_keys = [q["key"] for q in page["questions"]]
    connection.execute(_DELETE_PAGE, {"response_id": response.id, "keys": page_keys})
    if rows:
        connection.execute(_INSERT_ANSWERS, rows)
    answers = {k: v for k, v in answers.items() if k not in page_keys}
    answers.update({row["question_key"]: row["value"] for row in rows})
    shown_keys = {q["key"] for q in shown}
    revealed = [q for q in visible_questions(page, answers) if q["key"] not in shown_keys]
    later = [i for i in visible_pages(survey, answers) if i > page_index]
    # An answer that brings a follow-up question on this page shows the page again with it.
    result.next_page = page_index if revealed else (later[0] if later else None)
    furthest = max(response.furthest_page, (result.next_page or page_index) + 1)
    connection.execute(_PROGRESS, {"response_id": response.id, "furthest": furthest, "now": now})
    # A sent response changed (it stays editable while the survey is open): its codes follow
    # in the same transaction. Status is read after this save's writes, which hold the row.
    if connection.execute(_STATUS, {"response_id": response.id}).scalar() == (
        ResponseStatus.SUBMITTED
    ):
        codes = encode(layout_of(survey.content), answers)
        connection.execute(_CODES, {"response_id": response.id, "codes": codes})
    if isinstance(response, SurveyResponse):
        # Written above in one statement: keep the object in step without a second UPDATE.
        set_committed_value(response, "furthest_page", furthest)
        set_committed_value(response, "updated_at", now)
    else:
        response.furthest_page = furthest
    return result


def lock_response(connection: Connection, response: SurveyResponse | ResponseFacts) -> bool:
    """Serialise saves of one response (two tabs, a double click): PostgreSQL locks the row
    (True); SQLite already lets one writer at a time through its write lock (False)."""
    if connection.dialect.name == "sqlite":
        return False
    connection.execute(_LOCK_RESPONSE, {"response_id": response.id})
    return True


def _has_other(value) -> bool:
    return value == OTHER or (isinstance(value, list) and OTHER in value)


def resume_page(session: Session, survey: Survey, response: SurveyResponse) -> int:
    """Where someone coming back carries on: the furthest page they reached that applies."""
    pages = visible_pages(survey, answers_of(session, response))
    later = [i for i in pages if i >= response.furthest_page - 1]
    return later[0] if later else (pages[-1] if pages else 0)


def first_unanswered_page(session: Session, survey: Survey, response: SurveyResponse) -> int:
    """The first shown page with a required question left unanswered (or the last page)."""
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
    _require_open(survey, now)
    submitted = _rows(session).execute(_SUBMIT, {"response_id": response.id, "now": now}).rowcount
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
    refresh_answer_codes(session, survey, response)
    return True


def refresh_answer_codes(session: Session, survey: Survey, response: SurveyResponse) -> None:
    """Copy a sent response's answers into its answer codes (surveys.answer_codes), which the
    results count. Whatever writes the answers of a sent response calls this, in its
    transaction; page saves do the same on their own connection (save_page)."""
    response.answer_codes = encode(layout_of(survey.content), answers_of(session, response))


def _member_of(session: Session, response: SurveyResponse) -> Member | None:
    if response.invitation_id is None:
        return None
    member_id = session.scalar(
        sa.select(Invitation.member_id).where(Invitation.id == response.invitation_id)
    )
    return session.get(Member, member_id) if member_id else None
