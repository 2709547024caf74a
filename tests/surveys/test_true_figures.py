"""Every figure equals a recount of the answers as they are now (issue 17 item 1, quality bar
24): random sequences of answering, resuming, sending, changing answers after sending,
withdrawing equality consent and leaving the panel, with every figure the results pages show
(whole, filtered by place, by sex, by an answer, and cross-tabs) recounted by hand after each
step, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.members.models import EqualityProfile, MemberStatus
from panel.members.services.member_area import erase_member, withdraw_equality
from surveys import content as doc
from surveys.answer_codes import OTHER
from surveys.fieldwork import answering, branching
from surveys.fieldwork.answers import answers_of, save_page
from surveys.results import figures
from surveys.results.figures import ResultFilters
from tests.factories import make_member, place
from tests.surveys.fieldwork_helpers import live_survey
from tests.surveys.recount import recount, sent, shown

OPERATIONS = ("answer", "send", "change", "withdraw", "leave")


def _form_for(page: dict, rng: random.Random) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {}
    for question in page["questions"]:
        key, kind = question["key"], question["type"]
        options = list(question.get("options") or [])
        if question.get("allow_other"):
            options.append(OTHER)
        if kind in ("single_choice", "rating_scale"):
            form[key] = [rng.choice(options)]
        elif kind == "multiple_choice":
            form[key] = rng.sample(options, rng.randint(1, len(options)))
        elif kind == "number":
            form[key] = [str(rng.randint(0, 300))] if rng.random() < 0.7 else [""]
        else:
            form[key] = [rng.choice(["More buses", "", "Cheaper parking"])]
        form[f"{key}-other"] = ["A taxi"]
    return form


def _answer_some(session, survey, response, now, rng, *, everything: bool) -> None:
    answers = answers_of(session, response)
    pages = branching.visible_pages(survey, answers)
    for index in pages if everything else pages[: rng.randint(1, len(pages))]:
        if index in branching.visible_pages(survey, answers_of(session, response)):
            save_page(session, survey, response, index, _form_for(survey.pages[index], rng), now)


def _check_every_figure(session, survey) -> None:
    assert shown(figures.question_results(session, survey, ResultFilters())) == recount(
        session, survey
    )
    for code in ("blackpool", "lancashire"):
        place_id = place(session, code).id
        assert shown(
            figures.question_results(session, survey, ResultFilters(place_id=place_id))
        ) == recount(session, survey, lambda r, p=place_id: r.place_id == p)
    women = ResultFilters(equality=(("sex", "female"),))
    assert shown(figures.question_results(session, survey, women)) == recount(
        session, survey, lambda r: (r.equality or {}).get("sex") == "female"
    )
    bus = ResultFilters(answers=(("q1", "Bus"),))
    bus_ids = {r.id for r, a in sent(session, survey) if a.get("q1") == "Bus"}
    assert shown(figures.question_results(session, survey, bus)) == recount(
        session, survey, lambda r: r.id in bus_ids
    )
    dimensions = figures.dimensions(session)
    for by in ("place", "sex"):
        tables = {
            t.question["key"]: t
            for t in figures.cross_tabs(session, survey, dimensions[by], ResultFilters())
        }
        people = sent(session, survey)
        group_of = {
            "place": lambda r: "" if r.place_id is None else str(r.place_id),
            "sex": lambda r: (r.equality or {}).get("sex") or "",
        }[by]
        for key, table in tables.items():
            expected: Counter = Counter()
            for response, answers in people:
                value = answers.get(key)
                for option in value if isinstance(value, list) else [value]:
                    expected[(group_of(response), option)] += option is not None
            got = Counter()
            values = figures.option_values(table.question)
            codes = [value for value, _label in dimensions[by].categories]
            columns = [c for c in codes if c in {group_of(r) for r, _a in people}]
            columns += sorted({group_of(r) for r, _a in people} - set(columns))
            for row, value in enumerate(values):
                for column, group in enumerate(columns):
                    got[(group, value)] = table.cells[row][column]
            assert +got == +Counter({k: n for k, n in expected.items() if k[1] in values}), key
    assert figures.respondents(session, survey, ResultFilters()) == len(sent(session, survey))


@pytest.fixture
def panel_and_survey(session, now):
    survey, _author = live_survey(session, now)
    members = []
    for number in range(6):
        member = make_member(
            session,
            "blackpool" if number % 2 else "lancashire",
            age_band="25-34" if number % 3 else "65-74",
        )
        member.equality = EqualityProfile(sex="female" if number % 2 else "male", religion="none")
        members.append(member)
    session.commit()
    return survey, members


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 5), st.integers(0, 2**16)),
        min_size=1,
        max_size=10,
    )
)
def test_every_figure_equals_a_recount_after_any_sequence_of_changes(
    session, now, panel_and_survey, steps
):
    survey, members = panel_and_survey
    assert doc.questions(survey.content)
    for operation, who, seed in steps:
        rng = random.Random(seed)
        member = members[who]
        if member.status is not MemberStatus.ACTIVE and operation != "leave":
            continue
        response = None
        if member.status is MemberStatus.ACTIVE:
            response = answering.start_personal(session, survey, member.id, now)
        if operation == "answer":
            _answer_some(session, survey, response, now, rng, everything=False)
        elif operation == "send":
            _answer_some(session, survey, response, now, rng, everything=True)
            answering.submit(session, survey, response, now)
        elif operation == "change" and response.status.value == "submitted":
            _answer_some(session, survey, response, now, rng, everything=False)
        elif operation == "withdraw":
            withdraw_equality(session, member, now, "test")
        elif operation == "leave" and member.status is MemberStatus.ACTIVE:
            erase_member(session, member, now, "test")
        session.commit()
        _check_every_figure(session, survey)
