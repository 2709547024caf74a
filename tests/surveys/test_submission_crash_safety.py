"""Kill a burst of respondents at 50 random moments, let them all come back, and count: each
member has one response, sent once, holding exactly what they answered, their taking part is
recorded once, and every figure equals a recount of the answers."""

from __future__ import annotations

import random
import shutil
import signal
import time
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from panel.extensions import db
from panel.members.models import Member
from panel.segments.models import ContactKind, MemberContact
from surveys import content as doc
from surveys.fieldwork.answers import answers_of
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.models import Survey
from surveys.results import figures
from surveys.results.figures import ResultFilters
from tests.conftest import BASE_CONFIG, ON_POSTGRES, TEST_DATABASE_URL, _with_database, build_schema
from tests.crash_zygote import Zygote
from tests.surveys.recount import recount, shown
from tests.surveys.submit_crash_runner import answer_for

MEMBERS = 8
RUNS = 50
RUNNER = "tests.surveys.submit_crash_runner"


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    zygote = Zygote(
        ["app", "tests.conftest", RUNNER, "surveys.fieldwork.answering"],
        tmp_path_factory.mktemp("zygote") / "stderr.log",
    )
    yield zygote
    zygote.close()


@pytest.fixture(scope="module")
def survey_database(zygote, tmp_path_factory):
    """A migrated database with a live survey and its members; each call gives a copy."""
    if ON_POSTGRES:
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        template = f"submit_template_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{template}"'))
        url = _with_database(TEST_DATABASE_URL, template)
    else:
        path = tmp_path_factory.mktemp("submit") / "template.sqlite3"
        url = f"sqlite:///{path}"
    build_schema(url)
    assert zygote.run(f"{RUNNER}:setup", url, MEMBERS) == 0
    if not ON_POSTGRES:

        def copy(folder):
            shutil.copy(path, folder / "panel.sqlite3")
            return f"sqlite:///{folder / 'panel.sqlite3'}"

        yield copy
        return
    copies = []

    def make_copy(_folder):
        name = f"submit_run_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        copies.append(name)
        return _with_database(TEST_DATABASE_URL, name)

    yield make_copy
    with admin.connect() as connection:
        for name in [*copies, template]:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def burst_seconds(zygote, survey_database, tmp_path_factory):
    """How long the whole burst takes here, uninterrupted."""
    url = survey_database(tmp_path_factory.mktemp("calibrate"))
    started = time.monotonic()
    assert zygote.run(f"{RUNNER}:burst", url) == 0
    return time.monotonic() - started


def _as_stored(question: dict, member_id: int):
    """The member's answer as the answers table keeps it."""
    sent = answer_for(question, member_id)
    if question["type"] == "multiple_choice":
        return sent
    return sent[0]  # a number is kept as its digits


def _check(run, url: str) -> None:
    checker = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with checker.app_context():
        session = db.session
        survey = session.scalar(sa.select(Survey))
        responses = session.scalars(sa.select(SurveyResponse)).all()
        assert len(responses) == MEMBERS, run
        assert {r.status for r in responses} == {ResponseStatus.SUBMITTED}, run
        members = {r.invitation.member_id: r for r in responses}
        assert sorted(members) == sorted(session.scalars(sa.select(Member.id))), run
        for member_id, response in members.items():
            stored = answers_of(session, response)
            questions = {q["key"]: q for q in doc.questions(survey.content)}
            assert stored, (run, member_id)
            for key, value in stored.items():
                assert value == _as_stored(questions[key], member_id), (run, member_id, key)
        took_part = session.scalars(
            sa.select(MemberContact.member_id).where(
                MemberContact.kind == ContactKind.SURVEY_RESPONSE
            )
        ).all()
        assert sorted(took_part) == sorted(members), run  # recorded once each
        assert shown(figures.question_results(session, survey, ResultFilters())) == recount(
            session, survey
        ), run
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("half", [0, 1])
def test_killing_a_burst_of_respondents_loses_nothing_and_counts_nothing_twice(
    zygote, survey_database, burst_seconds, tmp_path, half
):
    rng = random.Random(20261206 + half)
    for run in range(RUNS // 2):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        url = survey_database(folder)
        moment = rng.uniform(0, burst_seconds * 1.05)
        burst = zygote.start(f"{RUNNER}:burst", url)
        time.sleep(moment)
        assert zygote.kill(burst) in (0, -signal.SIGKILL)
        assert zygote.run(f"{RUNNER}:burst", url) == 0, (run, round(moment, 3))
        _check((run, round(moment, 3)), url)
