"""Recording answers: each page's answers checked against the published questions and kept
(replacing the page's earlier ones), the saved answers read back, and a sent response's answer
codes kept in step with its answers. Recording is all this does; counting is
surveys.results.counting's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from panel.i18n import N_, gettext
from surveys import compound
from surveys.answer_codes import OTHER, encode, layout_of
from surveys.fieldwork.branching import require_open, visible_pages, visible_questions
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.models import Survey

if TYPE_CHECKING:
    from surveys.fieldwork.respondent import ResponseFacts, SurveyFacts

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
COMMENT_MAX = 2000
_NUMBER = re.compile(r"^-?\d{1,9}([.,]\d{1,3})?$")


#: Messages for the person answering, translated when shown (the page is in their language).
_REQUIRED = {
    "single_choice": N_("Choose an answer"),
    "rating_scale": N_("Choose an answer"),
    "multiple_choice": N_("Choose an answer"),
    compound.GRID: N_("Choose an answer for each row"),
    compound.RANKING: N_("Give every answer a rank"),
}


@dataclass
class PageResult:
    """A saved page's problems (question key -> message) and the page that comes next."""

    errors: dict[str, str] = field(default_factory=dict)
    next_page: int | None = None  # None: the check-your-answers page comes next


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
_CODES = (
    sa.update(SurveyResponse.__table__)
    .where(SurveyResponse.__table__.c.id == sa.bindparam("response_id"))
    .values(answer_codes=sa.bindparam("codes"))
)
_PROGRESS = (
    sa.update(SurveyResponse.__table__)
    .where(SurveyResponse.__table__.c.id == sa.bindparam("response_id"))
    .values(furthest_page=sa.bindparam("furthest"), updated_at=sa.bindparam("now"))
    .returning(SurveyResponse.__table__.c.status)
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
    """The response's saved answers: question key -> value."""
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


def _clean(question: dict, raw: list[str], other: str, comment: str) -> tuple[object, str | None]:
    """The stored value for one question, or an error message for the person."""
    kind, options = question["type"], question["options"]
    allowed = set(options) | ({OTHER} if question["allow_other"] else set())
    chosen = [value for value in raw if value != ""]
    if kind in ("single_choice", "rating_scale"):
        value = chosen[0] if len(chosen) == 1 else None
        if len(chosen) > 1 or (value is not None and value not in allowed):
            return None, gettext("Choose one of the answers shown")
        if value == OTHER and not other.strip():
            return None, gettext("Say what your other answer is")
        return value, None
    if kind == "multiple_choice":
        if len(set(chosen)) != len(chosen) or not set(chosen) <= allowed:
            return None, gettext("Choose from the answers shown")
        if OTHER in chosen and not other.strip():
            return None, gettext("Say what your other answer is")
        return chosen or None, None
    text = chosen[0].strip() if chosen else ""
    if len(chosen) > 1:
        return None, gettext("Give one answer")
    if kind == "number":
        if text and not _NUMBER.match(text):
            return None, gettext("Enter a number, like 3 or 12.5")
        limit = question.get("max_length")
        if text and limit is not None and abs(float(text.replace(",", "."))) > limit:
            return None, gettext(
                "Enter a number no bigger than %(limit)s", limit=format(limit, ",")
            )
        return text or None, None
    limit = question.get("max_length") or (
        SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
    )
    if len(text) > limit:
        return None, gettext(
            "Keep your answer to %(limit)s characters or fewer (it has %(length)s)",
            limit=format(limit, ","),
            length=format(len(text), ","),
        )
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
    the caller has just read them, and ``locked`` says it read them after locking the response
    (lock_response, or respondent.facts_for_saving).
    Raises SurveyClosed."""
    require_open(survey, now)
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
        if compound.is_compound(question):
            value, error = compound.read_answer(question, form)
        else:
            value, error = _clean(question, form.get(key, []), other, comment)
        if error is None and value is None and question["required"]:
            error = gettext(_REQUIRED.get(question["type"], N_("Answer this question")))
        if error is None and len(other) > SHORT_TEXT_MAX:
            error = gettext(
                "Keep your other answer to %(limit)s characters or fewer", limit=SHORT_TEXT_MAX
            )
        if error is None and len(comment) > COMMENT_MAX:
            error = gettext(
                "Keep your comment to %(limit)s characters or fewer", limit=format(COMMENT_MAX, ",")
            )
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
    # A page answered for the first time has nothing to replace. Only a locked row makes the
    # answers read above certain: SQLite may have read them before taking its write lock, so
    # there the page's earlier answers are always deleted.
    if not row_locks(connection) or any(key in answers for key in page_keys):
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
    # A sent response changed (it stays editable while the survey is open): its codes follow
    # in the same transaction. Status is read by this save's write, which holds the row.
    status = connection.execute(
        _PROGRESS, {"response_id": response.id, "furthest": furthest, "now": now}
    ).scalar()
    if status == ResponseStatus.SUBMITTED:
        codes = encode(layout_of(survey.content), answers)
        connection.execute(_CODES, {"response_id": response.id, "codes": codes})
    if isinstance(response, SurveyResponse):
        # Written above in one statement: keep the object in step without a second UPDATE.
        set_committed_value(response, "furthest_page", furthest)
        set_committed_value(response, "updated_at", now)
    else:
        response.furthest_page = furthest
    return result


def row_locks(connection: Connection) -> bool:
    """Whether the database locks rows (PostgreSQL); SQLite has only its one write lock."""
    return connection.dialect.name != "sqlite"


def lock_response(connection: Connection, response: SurveyResponse | ResponseFacts) -> bool:
    """Serialise saves of one response (two tabs, a double click): PostgreSQL locks the row
    (True); SQLite already lets one writer at a time through its write lock (False)."""
    if not row_locks(connection):
        return False
    connection.execute(_LOCK_RESPONSE, {"response_id": response.id})
    return True


def _has_other(value) -> bool:
    return value == OTHER or (isinstance(value, list) and OTHER in value)


def refresh_answer_codes(session: Session, survey: Survey, response: SurveyResponse) -> None:
    """Copy a sent response's answers into its answer codes (surveys.answer_codes), which the
    results count. Whatever writes the answers of a sent response calls this, in its
    transaction; page saves do the same on their own connection (save_page)."""
    response.answer_codes = encode(layout_of(survey.content), answers_of(session, response))
