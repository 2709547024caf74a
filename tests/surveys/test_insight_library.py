"""The insight library's services: what a finding must say, search (every word, the start of a
word, whatever the case, accents or punctuation; the same on SQLite and PostgreSQL, recounted
from the rows), the filters, place teams' reach, what the survey plan already knows, and
decisions informed by a finding with the public seeing only findings marked public."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from surveys.decisions import register
from surveys.decisions.register import LinkFields
from surveys.insights import library
from surveys.insights.library import InsightError, InsightQuery
from surveys.insights.models import InsightFinding, SourceKind
from surveys.insights.vocabulary import normalise, query_words
from surveys.models import ResultsPage
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields
from tests.surveys.helpers import write_good_survey
from tests.surveys.insight_helpers import finding_fields


def _titles(session, user, **search) -> list[str]:
    return sorted(f.title for f in library.search_insights(session, user, InsightQuery(**search)))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"summary": ""}, "summary"),
        ({"source_kind": "rumour"}, "source_kind"),
        ({"heard_on": None}, "heard_on"),
        ({"heard_on": date(2027, 1, 1)}, "heard_on"),
        ({"owner_name": ""}, "owner_name"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"place_id": 2_000_000}, "place_id"),
        ({"topics": []}, "topics"),
        ({"topics": ["living_well", "astrology"]}, "topics"),
        ({"groups": ["everyone_else"]}, "groups"),
        ({"people_heard": -1}, "people_heard"),
        ({"involvement": "shout"}, "involvement"),
        ({"source_kind": "survey"}, "survey_id"),
        ({"decision_id": 2_000_000}, "decision_id"),
    ],
)
def test_a_missing_or_bad_value_names_its_field_and_saves_nothing(session, now, overrides, field):
    user = make_staff(session, Role.COMMS)
    with pytest.raises(InsightError) as error:
        library.record_insight(session, user, finding_fields(**overrides), now)
    assert error.value.field == field
    assert session.scalar(sa.select(sa.func.count(InsightFinding.id))) == 0


def test_search_needs_every_word_at_the_start_of_a_word_whatever_the_case(session, now):
    user = make_staff(session, Role.COMMS)
    library.record_insight(session, user, finding_fields(), now)
    library.record_insight(
        session,
        user,
        finding_fields(
            title="Café-style drop-ins for CARERS",
            summary="Carers want 100% clear advice_sheets at the hospital.",
            topics=["ageing_well"],
            groups=[],
            source_name="Carers Link Lancashire",
        ),
        now,
    )
    assert _titles(session, user, words="gp through") == ["Getting a GP appointment"]
    assert _titles(session, user, words="  CAFE   hosp ") == ["Café-style drop-ins for CARERS"]
    assert _titles(session, user, words="carers") == [
        "Café-style drop-ins for CARERS",
        "Getting a GP appointment",  # tagged "Unpaid carers"
    ]
    assert _titles(session, user, words="ital") == []  # not the start of a word
    assert _titles(session, user, words="100% advice_sheets") == ["Café-style drop-ins for CARERS"]
    assert _titles(session, user, words="%") == _titles(session, user)  # no word: everything
    assert _titles(session, user, words="ageing well gp") == []
    assert _titles(session, user, words="Ageing Well") == ["Café-style drop-ins for CARERS"]
    assert _titles(session, user, words="blackpool healthwatch") == ["Getting a GP appointment"]


WORDS = st.sampled_from(["bus", "buses", "gp", "café", "wait", "Wait-times", "ward", "a_b", "50%"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(st.lists(WORDS, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=5),
    query=st.lists(WORDS, max_size=3).map(" ".join),
)
def test_search_finds_exactly_the_findings_a_recount_finds(session, now, titles, query):
    session.execute(sa.delete(InsightFinding))
    user = make_staff(session, Role.COMMS)
    for number, title in enumerate(titles):
        library.record_insight(
            session, user, finding_fields(title=f"{title} {number}", summary="-", groups=[]), now
        )
    found = {f.id for f in library.search_insights(session, user, InsightQuery(words=query))}
    rows = session.execute(sa.select(InsightFinding.id, InsightFinding.title)).all()
    words = query_words(query)
    expected = {
        row.id
        for row in rows
        if all(f" {word}" in normalise(f"{row.title} - Healthwatch Blackpool ICB-wide Living Well "
                                       "GP practices and primary care") for word in words)
    }  # fmt: skip
    assert found == expected


def test_filters_narrow_by_topic_group_source_place_and_dates(session, now):
    user = make_staff(session, Role.COMMS)
    blackpool = place(session, "blackpool")
    library.record_insight(session, user, finding_fields(), now)
    library.record_insight(
        session,
        user,
        finding_fields(
            title="Maternity listening event",
            source_kind="event",
            involvement="discuss",
            place_id=blackpool.id,
            topics=["starting_well", "maternity"],
            groups=["women", "language"],
            heard_on=date(2026, 9, 10),
        ),
        now,
    )
    both = ["Getting a GP appointment", "Maternity listening event"]
    assert _titles(session, user) == both
    assert _titles(session, user, topic="starting_well") == ["Maternity listening event"]
    assert _titles(session, user, topic="gp") == ["Getting a GP appointment"]
    assert _titles(session, user, topic="living") == []  # a code, not part of one
    assert _titles(session, user, group="language") == ["Maternity listening event"]
    assert _titles(session, user, source_kind=SourceKind.PARTNER_REPORT) == [both[0]]
    assert _titles(session, user, place_id=blackpool.id) == [both[1]]
    assert _titles(session, user, icb_wide=True) == [both[0]]
    assert _titles(session, user, heard_from=date(2026, 6, 2)) == [both[1]]
    assert _titles(session, user, heard_to=date(2026, 6, 1)) == [both[0]]
    assert _titles(session, user, words="event", topic="maternity", place_id=blackpool.id) == [
        both[1]
    ]


def test_a_place_team_reads_its_places_and_icb_wide_findings_and_keeps_only_its_own(session, now):
    comms = make_staff(session, Role.COMMS)
    blackpool_team = make_staff(session, Role.PLACE, places=["blackpool"])
    lancashire = place(session, "lancashire")
    library.record_insight(session, comms, finding_fields(title="ICB-wide"), now)
    theirs = library.record_insight(
        session, comms, finding_fields(title="Lancashire", place_id=lancashire.id), now
    )
    ours = library.record_insight(
        session,
        blackpool_team,
        finding_fields(title="Blackpool", place_id=place(session, "blackpool").id),
        now,
    )
    assert _titles(session, blackpool_team) == ["Blackpool", "ICB-wide"]
    assert _titles(session, blackpool_team, place_id=lancashire.id) == []
    with pytest.raises(InsightError) as error:
        library.record_insight(session, blackpool_team, finding_fields(place_id=lancashire.id), now)
    assert error.value.field == "place_id"
    with pytest.raises(InsightError):
        library.update_insight(session, theirs, blackpool_team, finding_fields(), now)
    library.update_insight(
        session, ours, blackpool_team, finding_fields(title="Blackpool, revised",
                                                      place_id=ours.place_id), now
    )  # fmt: skip
    assert _titles(session, blackpool_team, words="revised") == ["Blackpool, revised"]


def test_the_survey_plan_finds_findings_for_its_place_that_share_its_words(session, now):
    comms = make_staff(session, Role.COMMS)
    blackpool, lancashire = place(session, "blackpool"), place(session, "lancashire")
    survey = write_good_survey(session, comms, now, place_id=blackpool.id)  # hospital travel
    library.record_insight(
        session,
        comms,
        finding_fields(title="Travel to hospital appointments", summary="People: buses are rare."),
        now,
    )
    library.record_insight(
        session,
        comms,
        finding_fields(
            title="Hospital appointments in Lancashire", summary="-", place_id=lancashire.id
        ),
        now,
    )
    library.record_insight(
        session,
        comms,
        finding_fields(title="Shuttle bus to the hospital", place_id=blackpool.id),
        now,
    )
    library.record_insight(
        session, comms, finding_fields(title="Dentists", summary="-", topics=["dental"]), now
    )
    titles = [f.title for f in library.insights_for_survey(session, comms, survey)]
    assert titles == ["Travel to hospital appointments", "Shuttle bus to the hospital"]
    session.add(ResultsPage(survey_id=survey.id, topic="dental"))  # its results page's topic
    session.flush()
    titles = [f.title for f in library.insights_for_survey(session, comms, survey)]
    assert titles == ["Travel to hospital appointments", "Shuttle bus to the hospital", "Dentists"]


def test_a_decision_informed_by_a_finding_shows_it_publicly_only_if_marked_public(
    session, now, client, app
):
    comms = make_staff(session, Role.COMMS)
    lancashire = place(session, "lancashire")
    finding = library.record_insight(
        session, comms, finding_fields(title="Staff-only finding title", people_heard=5), now
    )
    decision = register.create_decision(session, comms, fields(status="made"), now)
    link = LinkFields(
        kind="insight",
        insight_id=finding.id,
        people_said="Phones are engaged at 8am.",
        outcome="did",
        how_used="Online booking opens at 7am.",
    )
    register.add_link(session, decision, comms, link, now)
    register.publish(session, decision, comms, now)
    session.commit()
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Findings from our engagement" in page
    assert "Staff-only finding title" not in page and "Online booking opens at 7am." in page
    finding.is_public = True
    session.commit()
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Staff-only finding title" in page
    assert "fewer than 8 people heard from" in page and "5 people" not in page

    place_team = make_staff(session, Role.PLACE, places=["blackpool"])
    other = library.record_insight(session, comms, finding_fields(place_id=lancashire.id), now)
    with pytest.raises(register.DecisionError) as error:
        register.add_link(session, decision, place_team, LinkFields(**{**vars(link),
                          "insight_id": other.id}), now)  # fmt: skip
    assert error.value.field == "insight_id"
