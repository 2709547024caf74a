"""Segment semantics, contact caps and pauses, place scoping, and the builder pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from panel.auth.models import Role
from panel.members.models import EqualityProfile, Member, MemberStatus, RecruitmentSource
from panel.segments import definition as definitions
from panel.segments.models import ContactKind, MemberContact, Segment
from panel.segments.services import fatigue
from panel.segments.services.segments import count_members, members_matching
from tests.factories import make_member, make_staff, place

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def cond(field, *values, negate=False, **extra):
    node = {"type": "condition", "field": field, "negate": negate, **extra}
    if values:
        node["values"] = list(values)
    return node


def group(op, *items, negate=False):
    return {"type": "group", "op": op, "negate": negate, "items": list(items)}


@pytest.fixture
def people(session):
    """Five members with distinct characteristics, and one who left."""
    source = RecruitmentSource(name="GP poster")
    session.add(source)
    session.flush()
    ann = make_member(
        session,
        "blackpool",
        first_name="Ann",
        age_band="16-24",
        topics=["maternity", "gp"],
        language="ur",
        preferred_format="easy_read",
        heard_from="gp_practice",
        recruitment_source_id=source.id,
        joined_at=NOW - timedelta(days=10),
        equality=EqualityProfile(
            sex="female",
            ethnic_group="4",
            carer="yes_20_49",
            disability="yes_a_lot",
            religion="muslim",
            gender_identity="yes",
            sexual_orientation="straight",
            armed_forces="no",
        ),
    )
    bob = make_member(
        session,
        "blackpool",
        first_name="Bob",
        age_band="75+",
        topics=["cancer"],
        joined_at=NOW - timedelta(days=400),
        equality=EqualityProfile(sex="male", ethnic_group="13", carer="no", disability="no"),
    )
    cat = make_member(
        session,
        "lancashire",
        first_name="Cat",
        age_band="16-24",
        joined_at=NOW - timedelta(days=40),
    )  # no equality answers at all
    dan = make_member(
        session,
        "south-cumbria",
        first_name="Dan",
        age_band="45-54",
        equality=EqualityProfile(sex="pns"),
        joined_at=NOW - timedelta(days=5),
    )
    eve = make_member(
        session,
        "blackpool",
        first_name="Eve",
        age_band="16-24",
        paused_until=NOW + timedelta(days=20),
        joined_at=NOW - timedelta(days=3),
    )
    make_member(session, "blackpool", first_name=None, email=None, status=MemberStatus.LEFT)
    session.add(
        MemberContact(
            member_id=bob.id, kind=ContactKind.SURVEY_RESPONSE, at=NOW - timedelta(days=20)
        )
    )
    session.add(
        MemberContact(
            member_id=cat.id, kind=ContactKind.BULLETIN_OPEN, at=NOW - timedelta(days=200)
        )
    )
    session.flush()
    return {"ann": ann, "bob": bob, "cat": cat, "dan": dan, "eve": eve, "source": source}


def names(session, tree, user):
    query = members_matching(session, tree, user, NOW)
    return sorted(m.first_name for m in session.scalars(query))


@pytest.fixture
def comms(session):
    return make_staff(session, Role.COMMS)


def test_an_empty_segment_is_every_active_member(session, people, comms):
    assert names(session, definitions.empty_definition(), comms) == [
        "Ann",
        "Bob",
        "Cat",
        "Dan",
        "Eve",
    ]


def test_and_or_not(session, people, comms):
    young = cond("age_band", "16-24")
    blackpool = cond("place", str(place(session, "blackpool").id))
    assert names(session, group("and", young, blackpool), comms) == ["Ann", "Eve"]
    assert names(session, group("or", young, blackpool), comms) == ["Ann", "Bob", "Cat", "Eve"]
    assert names(session, group("and", young, blackpool, negate=True), comms) == [
        "Bob",
        "Cat",
        "Dan",
    ]
    assert names(session, group("and", young, cond("sex", "female", negate=True)), comms) == [
        "Cat",
        "Eve",
    ]  # people who did not say are not "female"


@pytest.mark.parametrize(
    "condition,expected",
    [
        (cond("neighbourhood", "1"), []),
        (cond("age_band", "75+"), ["Bob"]),
        (cond("sex", "male", "pns"), ["Bob", "Dan"]),
        (cond("gender_identity", "yes"), ["Ann"]),
        (cond("sexual_orientation", "straight"), ["Ann"]),
        (cond("ethnic_group", "4"), ["Ann"]),
        (cond("ethnic_group_summary", "white"), ["Bob"]),
        (cond("religion", "muslim"), ["Ann"]),
        (cond("disability", "yes_a_lot", "yes_a_little"), ["Ann"]),
        (cond("carer", "yes_20_49"), ["Ann"]),
        (cond("armed_forces", "no"), ["Ann"]),
        (cond("topics", "maternity"), ["Ann"]),
        (cond("topics", "cancer", "gp"), ["Ann", "Bob"]),
        (cond("preferred_format", "easy_read"), ["Ann"]),
        (cond("language", "ur"), ["Ann"]),
        (cond("heard_from", "gp_practice"), ["Ann"]),
        (cond("joined", after=(NOW - timedelta(days=7)).date().isoformat()), ["Dan", "Eve"]),
        (cond("joined", before=(NOW - timedelta(days=30)).date().isoformat()), ["Bob", "Cat"]),
        (cond("responded", months=1), ["Bob"]),
        (cond("opened_bulletin", months=3), []),
        (cond("opened_bulletin", months=12), ["Cat"]),
        (cond("invited", months=6), []),
    ],
)
def test_every_field(session, people, comms, condition, expected):
    definitions.validate(session, group("and", condition), comms)
    assert names(session, group("and", condition), comms) == expected


def test_source_field(session, people, comms):
    tree = group("and", cond("source", str(people["source"].id)))
    assert names(session, tree, comms) == ["Ann"]


@pytest.mark.parametrize(
    "tree,message",
    [
        (group("and", cond("shoe_size", "9")), "Unknown field"),
        (group("and", cond("sex", "robot")), "Unknown value"),
        (group("and", cond("sex")), "Choose at least one value"),
        (group("xor"), "'all' or 'any'"),
        (group("and", cond("joined")), "joined-after or joined-before"),
        (group("and", cond("invited", months=0)), "Months must be"),
        (group("and", cond("joined", after="31/12/2025")), "is not a date"),
        ("not a dict", "group or a condition"),
    ],
)
def test_malformed_definitions_are_rejected_with_the_reason(session, comms, tree, message):
    with pytest.raises(definitions.SegmentDefinitionError, match=message):
        definitions.validate(session, tree, comms)


def test_caps_and_pauses_are_counted_as_skipped(session, people, comms):
    rules = fatigue.contact_rules(session)
    for days_ago in (3, 12):
        session.add(
            MemberContact(
                member_id=people["ann"].id,
                kind=ContactKind.SURVEY_INVITATION,
                at=NOW - timedelta(days=days_ago),
            )
        )
    session.add(
        MemberContact(
            member_id=people["cat"].id,
            kind=ContactKind.SURVEY_INVITATION,
            at=NOW - timedelta(days=45),
        )
    )  # outside the 30-day window
    session.flush()
    young = members_matching(session, group("and", cond("age_band", "16-24")), comms, NOW)
    counts = fatigue.target_counts(session, young, NOW)
    assert (counts.matched, counts.skipped, counts.will_receive) == (
        3,
        2,
        1,
    )  # Ann capped, Eve paused
    eligible = session.scalars(fatigue.contactable(young, rules, NOW)).all()
    assert [m.first_name for m in eligible] == ["Cat"]
    fatigue.update_contact_rules(session, rules, 3, rules.window_days, NOW)
    assert fatigue.target_counts(session, young, NOW).skipped == 1


def test_place_team_queries_cannot_leave_their_places(session, people):
    blackpool_team = make_staff(session, Role.PLACE, places=["blackpool"])
    lancashire_id = str(place(session, "lancashire").id)
    forged = group("and", cond("place", lancashire_id))
    assert names(session, forged, blackpool_team) == []
    assert names(session, definitions.empty_definition(), blackpool_team) == ["Ann", "Bob", "Eve"]
    assert count_members(session, members_matching(session, group("or"), blackpool_team, NOW)) == 3


def test_another_teams_saved_segment_is_404(client, session, login_as):
    lancashire_segment = Segment(
        name="Lancs", place=place(session, "lancashire"), definition=definitions.empty_definition()
    )
    icb_segment = Segment(name="ICB", definition=definitions.empty_definition())
    session.add_all([lancashire_segment, icb_segment])
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    for segment in (lancashire_segment, icb_segment):
        assert client.get(f"/staff/segments/{segment.id}").status_code == 404
        assert (
            client.post(
                f"/staff/segments/{segment.id}/change", data={"action": "add_group", "path": ""}
            ).status_code
            == 404
        )
    assert "Lancs" not in client.get("/staff/segments/").text


def test_place_team_cannot_create_a_segment_for_another_place(client, session, login_as):
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    response = client.post(
        "/staff/segments/",
        data={"name": "Sneaky", "place_id": str(place(session, "lancashire").id)},
    )
    assert response.status_code == 200 and "There is a problem" in response.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Segment)) == 0


def test_builder_adds_conditions_and_shows_live_counts(client, session, login_as, people):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    created = client.post("/staff/segments/", data={"name": "Young", "place_id": "0"})
    segment_url = created.location
    assert "5 members match" in client.get(segment_url).text
    segment_id = int(segment_url.rstrip("/").split("/")[-1])
    added = client.post(
        f"/staff/segments/{segment_id}/add?field=age_band&path=",
        data={"values": ["16-24"], "negate": ""},
    )
    assert added.status_code == 302
    page = client.get(segment_url).text
    assert "3 members match" in page and "1 will be skipped" in page
    bad = client.post(
        f"/staff/segments/{segment_id}/add?field=age_band&path=", data={"values": ["999"]}
    )
    assert bad.status_code == 200 and "There is a problem" in bad.text
    missing = client.post(
        f"/staff/segments/{segment_id}/change", data={"action": "remove", "path": "7"}
    )
    assert missing.status_code == 302  # a stale path is a message, not a 500
    assert (
        client.post(
            f"/staff/segments/{segment_id}/change", data={"action": "explode", "path": ""}
        ).status_code
        == 400
    )


def test_observer_reads_but_cannot_change_segments(client, session, login_as):
    segment = Segment(name="ICB", definition=definitions.empty_definition())
    session.add(segment)
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    assert client.get(f"/staff/segments/{segment.id}").status_code == 200
    assert client.post("/staff/segments/", data={"name": "x", "place_id": "0"}).status_code == 403


def test_contact_caps_are_edited_by_comms_only(client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    bad = client.post(
        "/staff/segments/contact-rules", data={"max_invitations": "0", "window_days": "30"}
    )
    assert "from 1 to 20" in bad.text
    client.post("/staff/segments/contact-rules", data={"max_invitations": "3", "window_days": "60"})
    rules = fatigue.contact_rules(session)
    session.refresh(rules)
    assert (rules.max_invitations, rules.window_days) == (3, 60)


def test_erasure_removes_contact_history(session, people):
    from panel.members.services.member_area import erase_member

    erase_member(session, people["bob"], NOW, "test")
    assert (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(MemberContact)
            .where(MemberContact.member_id == people["bob"].id)
        )
        == 0
    )
    assert session.get(Member, people["bob"].id).status is MemberStatus.LEFT
