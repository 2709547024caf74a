"""Recruitment sources are place-scoped like everything else: a place team lists, opens, counts
and chooses only its own places' sources; another place's source is a 404 exactly like a missing
one; only the communications team makes ICB-wide sources."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from panel.auth.models import Role
from panel.members.models import RecruitmentSource
from panel.members.services import sources
from panel.segments.services.segments import create_segment
from tests.factories import make_member, make_staff, place


@pytest.fixture
def made(session, now):
    comms = make_staff(session, Role.COMMS)
    blackpool, cumbria = place(session, "blackpool").id, place(session, "south-cumbria").id
    found = {
        "own": sources.create_source(session, comms, "Blackpool library", blackpool, now),
        "other": sources.create_source(session, comms, "Kendal Healthwatch", cumbria, now),
        "icb": sources.create_source(session, comms, "ICB website", None, now),
    }
    # Blackpool members who joined through each link, and a Kendal member through Kendal's.
    for key in ("own", "own", "other", "icb"):
        make_member(session, "blackpool", recruitment_source=found[key])
    make_member(session, "south-cumbria", recruitment_source=found["other"])
    return found


@pytest.fixture
def place_user(session, login_as, made):
    user = login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    return user


def test_a_place_team_lists_and_counts_only_its_own_places_sources(client, place_user, made):
    page = client.get("/staff/members/sources").text
    assert "Blackpool library" in page
    assert "Kendal Healthwatch" not in page and "ICB website" not in page
    # Its members who came through other teams' links are counted, without naming the links.
    table = page.split("Active members by recruitment source", 1)[1].split("</table>", 1)[0]
    assert "Blackpool library</td>" in table and ">2<" in table
    assert f"{sources.OTHER_TEAMS_SOURCES}</td>" in table
    # 4 Blackpool members in all: the Kendal member is in no count.
    assert ">4 active members" in page.replace("</p>", "").replace('lede-text">', ">")


def _page(response) -> tuple[int, str]:
    # Each response has its own CSP nonce; everything else must match.
    return response.status_code, re.sub(r'nonce="[^"]+"', "", response.text)


def test_another_places_source_is_a_404_exactly_like_a_missing_one(client, place_user, made):
    missing = _page(client.get("/staff/members/sources/999999"))
    assert client.get(f"/staff/members/sources/{made['own'].id}").status_code == 200
    for key in ("other", "icb"):
        forbidden = _page(client.get(f"/staff/members/sources/{made[key].id}"))
        assert forbidden == missing and forbidden[0] == 404


def test_every_list_of_sources_a_place_team_sees_holds_only_its_own(
    session, client, place_user, made, now
):
    directory = client.get("/staff/members/").text
    assert "Blackpool library" in directory and "Kendal Healthwatch" not in directory
    segment = create_segment(
        session, place_user, "Library", "", place(session, "blackpool").id, now
    )
    session.commit()
    chooser = client.get(f"/staff/segments/{segment.id}/add?field=source").text
    assert "Blackpool library" in chooser
    assert "Kendal Healthwatch" not in chooser and "ICB website" not in chooser
    forged = client.post(
        f"/staff/segments/{segment.id}/add?field=source",
        data={"field": "source", "values": [str(made["other"].id)], "negate": "n"},
    )
    assert forged.status_code == 200  # refused next to the field, nothing saved
    session.refresh(segment)
    assert segment.definition["items"] == []


def test_only_the_communications_team_makes_icb_wide_sources(session, made, now):
    team = make_staff(session, Role.PLACE, places=["blackpool"])
    with pytest.raises(sources.SourceError) as refused:
        sources.create_source(session, team, "Team-wide poster", None, now)
    assert refused.value.field == "place_id"
    with pytest.raises(sources.SourceError):
        sources.create_source(
            session, team, "Kendal poster", place(session, "south-cumbria").id, now
        )
    own = sources.create_source(session, team, "FY1 poster", place(session, "blackpool").id, now)
    assert own.place_id == place(session, "blackpool").id
    everyone = {s.name for s in sources.visible_sources(session, make_staff(session, Role.COMMS))}
    assert {"Blackpool library", "Kendal Healthwatch", "ICB website", "FY1 poster"} <= everyone
    assert session.scalar(sa.select(sa.func.count(RecruitmentSource.id))) == 4
