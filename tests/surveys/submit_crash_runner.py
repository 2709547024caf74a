"""Respondents to kill: a burst of members answering a live survey page by page, as the pages'
views do (each step its own commit), so a crash test can kill it anywhere and run it again.

`setup DB_URL MEMBERS` makes the survey and the members; `burst DB_URL` has every member who
has not sent their response take it from where they are (first visit, resume, or send).
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")


def _app(db_url: str):
    from app import create_app
    from tests.conftest import BASE_CONFIG

    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url})


def answer_for(question: dict, member_id: int) -> list[str]:
    """What this member answers to this question (the same on every run)."""
    from surveys.answer_codes import option_values

    kind = question["type"]
    values = [value for value in option_values(question) if not value.startswith("__")]
    if kind in ("single_choice", "rating_scale"):
        return [values[member_id % len(values)]]
    if kind == "multiple_choice":
        return values[: 1 + member_id % len(values)]
    if kind == "number":
        return [str(member_id % 50)]
    return [f"Answer {member_id}"]


def setup(argv: list[str]) -> None:
    """A live survey and MEMBERS active members."""
    db_url, members = argv
    app = _app(db_url)
    with app.app_context():
        from panel.database import utcnow
        from panel.extensions import db
        from tests.factories import make_member
        from tests.surveys.fieldwork_helpers import live_survey

        live_survey(db.session, utcnow())
        for number in range(int(members)):
            make_member(db.session, "blackpool" if number % 2 else "lancashire")
        db.session.commit()
        # Closing the last connection folds SQLite's write-ahead log into the file, which the
        # test then copies (the zygote's children leave without any other clean-up).
        db.session.remove()
        db.engine.dispose()


def burst(argv: list[str]) -> None:
    """Every member answers (or carries on answering) and sends their response."""
    [db_url] = argv
    app = _app(db_url)
    with app.app_context():
        import sqlalchemy as sa

        from panel.database import utcnow
        from panel.extensions import db
        from panel.members.models import Member
        from surveys.fieldwork.answering import resume_page, start_personal, submit
        from surveys.fieldwork.answers import answers_of, save_page
        from surveys.fieldwork.branching import visible_questions
        from surveys.fieldwork.models import ResponseStatus
        from surveys.models import Survey

        session = db.session
        survey = session.scalar(sa.select(Survey))
        for member_id in session.scalars(sa.select(Member.id).order_by(Member.id)).all():
            response = start_personal(session, survey, member_id, utcnow())
            session.commit()
            if response.status is ResponseStatus.SUBMITTED:
                continue
            page = resume_page(session, survey, response)
            while page is not None:
                shown = visible_questions(survey.pages[page], answers_of(session, response))
                form = {q["key"]: answer_for(q, member_id) for q in shown}
                result = save_page(session, survey, response, page, form, utcnow())
                assert not result.errors, result.errors
                session.commit()
                page = result.next_page
            submit(session, survey, response, utcnow())
            session.commit()
