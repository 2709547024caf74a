"""The equality-data rule (panel.segments.services.special_category): place teams and observers
get nothing that rests on a special category condition, on every path; the comms team keeps full
use; every refusal and every comms use is audited. Service tests first, then pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mailer.bulletins.services import audience, compose
from mailer.bulletins.services.schedule import schedule_bulletin
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.models import EqualityProfile
from panel.segments.models import FairSelection, Segment
from panel.segments.services import fair_selection
from panel.segments.services.figures import segment_figures
from panel.segments.services.segments import save_definition
from panel.segments.services.special_category import (
    REFUSED,
    USED,
    SpecialCategoryRefused,
    Use,
    special_category_fields,
)
from surveys.fieldwork import invitations
from surveys.models import AudienceKind
from surveys.services import authoring
from tests.factories import make_member, make_staff, place
from tests.mailer.bulletin_helpers import make_bulletin
from tests.surveys.fieldwork_helpers import live_survey
from tests.surveys.helpers import plan

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def cond(field, *values, negate=False):
    return {"type": "condition", "field": field, "negate": negate, "values": list(values)}


def group(op, *items, negate=False):
    return {"type": "group", "op": op, "negate": negate, "items": list(items)}


def audits(session, action):
    return session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def team(session):
    """Twenty Blackpool members (three Pakistani, one Muslim, two disabled), the three roles,
    and a segment the comms team shared with Blackpool that picks people by ethnic group."""
    for number in range(20):
        make_member(
            session,
            "blackpool",
            age_band=["16-24", "45-54", "75+"][number % 3],
            equality=EqualityProfile(
                sex=["female", "male"][number % 2],
                ethnic_group="4" if number < 3 else "13",
                religion="muslim" if number == 0 else "none",
                disability="yes_a_lot" if number in (5, 6) else "no",
                carer="yes_20_49" if number < 10 else "no",
                armed_forces="no",
            ),
        )
    shared = Segment(
        name="Pakistani heritage",
        place=place(session, "blackpool"),
        definition=group("and", cond("ethnic_group", "4")),
    )
    plain = Segment(
        name="Older people",
        place=place(session, "blackpool"),
        definition=group("and", cond("age_band", "75+")),
    )
    session.add_all([shared, plain])
    session.flush()
    return {
        "comms": make_staff(session, Role.COMMS),
        "place": make_staff(session, Role.PLACE, places=["blackpool"]),
        "observer": make_staff(session, Role.OBSERVER),
        "shared": shared,
        "plain": plain,
    }


# --- which fields, wherever they sit in the tree ---------------------------------------------


@pytest.mark.parametrize(
    "tree,expected",
    [
        (group("and", cond("ethnic_group", "4")), ["ethnic_group"]),
        (group("and", cond("religion", "muslim", negate=True)), ["religion"]),
        (group("or", cond("age_band", "75+"), cond("disability", "no")), ["disability"]),
        (
            group("and", group("and", cond("sexual_orientation", "gay_lesbian")), negate=True),
            ["sexual_orientation"],
        ),
        (
            group("and", group("or", group("and", cond("gender_identity", "no")))),
            ["gender_identity"],
        ),
        (
            group("and", cond("ethnic_group_summary", "black"), cond("religion", "jewish")),
            ["ethnic_group_summary", "religion"],
        ),
        (
            group(
                "and",
                cond("sex", "male"),
                cond("carer", "no"),
                cond("armed_forces", "regular"),
                cond("age_band", "16-24"),
            ),
            [],
        ),
        ({"type": "group", "items": "not a list"}, []),
        ([cond("religion", "none")], []),
        (group("and", {"type": "condition", "field": ["religion"]}), []),
    ],
)
def test_every_special_category_condition_is_found_wherever_it_sits(tree, expected):
    assert special_category_fields(tree) == expected


# --- saving conditions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tree",
    [
        group("and", cond("ethnic_group", "4")),
        group("and", cond("ethnic_group", "4", negate=True)),
        group("or", cond("age_band", "75+"), cond("religion", "muslim")),
        group("and", group("and", cond("disability", "yes_a_lot")), negate=True),
    ],
)
def test_a_place_team_cannot_save_a_special_category_condition_in_any_position(session, team, tree):
    segment = team["plain"]
    before = segment.definition
    with pytest.raises(SpecialCategoryRefused, match="communications and engagement team"):
        save_definition(session, team["place"], segment, tree, NOW)
    assert segment.definition == before
    (refusal,) = audits(session, REFUSED)
    assert refusal.staff_user_id == team["place"].id and refusal.object_ids == str(segment.id)
    assert refusal.detail.startswith("save: ")


def test_equality_fields_that_are_not_special_category_stay_open_to_place_teams(session, team):
    tree = group(
        "and", cond("sex", "female"), cond("carer", "yes_20_49"), cond("armed_forces", "no")
    )
    save_definition(session, team["place"], team["plain"], tree, NOW)
    figures = segment_figures(session, team["plain"], team["place"], NOW)
    assert figures.counts.matched == 5 and not figures.withheld
    assert audits(session, REFUSED) == [] and audits(session, USED) == []


def test_the_comms_team_saves_and_counts_special_category_conditions_and_is_audited(session, team):
    tree = group("and", cond("religion", "muslim", negate=True))
    save_definition(session, team["comms"], team["plain"], tree, NOW)
    figures = segment_figures(session, team["plain"], team["comms"], NOW)
    assert figures.counts.matched == 19
    assert [e.detail for e in audits(session, USED)] == ["save: religion", "figures: religion"]


# --- figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["place", "observer"])
def test_figures_of_a_shared_special_category_segment_are_withheld_whatever_their_size(
    session, team, role
):
    figures = segment_figures(session, team["shared"], team[role], NOW)
    assert figures.counts is None and "ethnic group" in figures.withheld
    (refusal,) = audits(session, REFUSED)
    assert refusal.detail == "figures: ethnic_group"


def test_differencing_two_segments_is_refused_at_the_first_step(session, team):
    """count(A) - count(A and not B) would give count(A and B): A and not B cannot be built."""
    a = group("and", cond("age_band", "16-24"))
    a_not_b = group("and", cond("age_band", "16-24"), cond("ethnic_group", "4", negate=True))
    save_definition(session, team["place"], team["plain"], a, NOW)
    assert segment_figures(session, team["plain"], team["place"], NOW).counts.matched == 7
    with pytest.raises(SpecialCategoryRefused):
        save_definition(session, team["place"], team["plain"], a_not_b, NOW)


# --- selections and their exports ------------------------------------------------------------


def test_a_place_team_cannot_select_from_a_special_category_segment(session, team):
    with pytest.raises(SpecialCategoryRefused) as refused:
        fair_selection.run_fair_selection(
            session, team["place"], team["shared"], 2, ["age_band"], 1, NOW
        )
    assert refused.value.use is Use.SELECT
    assert session.scalar(sa.select(sa.func.count()).select_from(FairSelection)) == 0
    assert audits(session, REFUSED)[0].detail == "select: ethnic_group"


@pytest.mark.parametrize("feature", ["ethnic_group", "disability"])
def test_a_place_team_cannot_balance_a_selection_on_special_category_answers(
    session, team, feature
):
    with pytest.raises(SpecialCategoryRefused) as refused:
        fair_selection.run_fair_selection(
            session, team["place"], team["plain"], 3, ["sex", feature], 1, NOW
        )
    assert refused.value.use is Use.BALANCE
    assert session.scalar(sa.select(sa.func.count()).select_from(FairSelection)) == 0


def test_a_comms_selection_made_with_special_category_data_is_shown_to_comms_only(session, team):
    made = fair_selection.run_fair_selection(
        session, team["comms"], team["plain"], 3, ["ethnic_group"], 4, NOW
    )
    assert made.special_category_fields == ["ethnic_group"]
    from_shared = fair_selection.run_fair_selection(
        session, team["comms"], team["shared"], 2, ["sex"], 4, NOW
    )
    assert from_shared.special_category_fields == ["ethnic_group"]
    for selection in (made, from_shared):
        assert "ethnic group" in fair_selection.selection_withheld(
            session, team["place"], selection, NOW
        )
        with pytest.raises(SpecialCategoryRefused):
            fair_selection.export_selection_csv(session, team["place"], selection, NOW)
        assert not fair_selection.selection_withheld(session, team["comms"], selection, NOW)
        assert fair_selection.export_selection_csv(session, team["comms"], selection, NOW)
    assert len(audits(session, REFUSED)) == 4
    assert audits(session, "segment.fair_selection_export")


def test_a_place_teams_own_selection_on_open_characteristics_still_works(session, team):
    # The segment holds only people aged 75 or over: the other age targets need the user's say.
    made = fair_selection.run_fair_selection(
        session,
        team["place"],
        team["plain"],
        3,
        ["sex", "age_band"],
        4,
        NOW,
        accept_shortfall=True,
    )
    assert made.special_category_fields == [] and len(made.member_ids) == 3
    assert not fair_selection.selection_withheld(session, team["place"], made, NOW)
    rows = fair_selection.export_selection_csv(session, team["place"], made, NOW).splitlines()
    assert len(rows) == 4 and audits(session, REFUSED) == []


# --- bulletins and survey invitations ---------------------------------------------------------


def test_a_place_team_cannot_send_a_bulletin_to_a_special_category_segment(session, team):
    blackpool = place(session, "blackpool").id
    bulletin = make_bulletin(session, NOW, team["place"], place_id=blackpool)
    with pytest.raises(SpecialCategoryRefused, match="send to it"):
        compose.set_audience(session, bulletin, team["shared"], team["place"], NOW)
    assert bulletin.segment_id is None
    # Had the comms team chosen it, the place team still could neither count, schedule nor send.
    compose.set_audience(session, bulletin, team["shared"], team["comms"], NOW)
    session.flush()
    session.expire(bulletin, ["segment"])
    with pytest.raises(audience.AudienceError, match="ethnic group"):
        audience.count_audience(session, bulletin, team["place"], NOW)
    with pytest.raises(SpecialCategoryRefused):
        schedule_bulletin(session, bulletin, team["place"], NOW, NOW)
    with pytest.raises(audience.AudienceError):
        audience.fix_recipients(session, bulletin, team["place"], NOW)
    assert audience.count_audience(session, bulletin, team["comms"], NOW)["total"] == 3
    assert {e.detail for e in audits(session, REFUSED)} == {"bulletin audience: ethnic_group"}
    assert len(audits(session, REFUSED)) == 4


def test_a_place_team_cannot_plan_or_invite_a_survey_for_a_special_category_segment(session, team):
    real_now = datetime.now(UTC)
    blackpool = place(session, "blackpool").id
    chosen = plan(audience=AudienceKind.SEGMENT, segment_id=team["shared"].id, place_id=blackpool)
    with pytest.raises(authoring.AuthoringError) as refused:
        authoring.create_survey(session, team["place"], chosen, real_now)
    assert refused.value.field == "segment_id" and "ethnic group" in str(refused.value)
    survey, _author = live_survey(
        session,
        real_now,
        audience=AudienceKind.SEGMENT,
        segment_id=team["shared"].id,
        place_id=blackpool,
    )
    with pytest.raises(invitations.InvitationError, match="ethnic group"):
        invitations.invite(session, survey, team["place"], real_now)
    assert invitations.invite(session, survey, team["comms"], real_now).invited == 3
    assert len(audits(session, REFUSED)) == 2


# --- pages -----------------------------------------------------------------------------------


def test_place_team_pages_withhold_figures_and_refuse_with_field_messages(
    client, session, login_as, team
):
    login_as(team["place"])
    session.commit()
    shared = f"/staff/segments/{team['shared'].id}"
    page = client.get(shared).text
    assert "Figures withheld" in page and "members match" not in page
    assert "Pick a fair selection" not in page
    builder = client.get(f"/staff/segments/{team['plain'].id}").text
    assert "6 members match" in builder
    assert 'value="ethnic_group"' not in builder and 'value="carer"' in builder
    assert "special category data" in builder
    added = client.post(
        f"/staff/segments/{team['plain'].id}/add?field=religion&path=",
        data={"values": ["muslim"], "negate": "y"},
    )
    assert added.status_code == 200 and "There is a problem" in added.text
    assert "Only the communications and engagement team can use conditions on religion" in (
        added.text
    )
    select = client.post(
        f"{shared}/select", data={"number_wanted": "1", "features": ["sex"], "seed": "1"}
    )
    assert select.status_code == 200
    assert "only the communications and engagement team can select people" in select.text
    assert "can be contacted now" not in select.text
    forged = client.post(
        f"/staff/segments/{team['plain'].id}/select",
        data={"number_wanted": "2", "features": ["ethnic_group"], "seed": "1"},
    )
    assert "Choose from the options shown" in forged.text
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(FairSelection)) == 0
    assert {e.detail.split(":")[0] for e in audits(session, REFUSED)} == {
        "figures",
        "save",
        "select",
    }


def test_a_comms_selection_with_special_category_data_is_not_shown_or_exported_to_a_place_team(
    client, session, login_as, team
):
    selection = fair_selection.run_fair_selection(
        session, team["comms"], team["plain"], 3, ["disability"], 9, NOW
    )
    login_as(team["place"])
    session.commit()
    url = f"/staff/segments/{team['plain'].id}/selections/{selection.id}"
    page = client.get(url).text
    assert "shown to the communications and engagement team only" in page
    assert "How closely the quotas were met" not in page
    assert "Download their contact details" not in page
    export = client.post(url + "/export.csv")
    assert export.status_code == 302 and export.location.endswith(url)
    assert "text/csv" not in export.content_type
    assert "only" in client.get(url).text
    session.expire_all()
    assert [e.detail for e in audits(session, REFUSED)][-2:] == [
        "selection result: disability",
        "selection result: disability",
    ]


def test_comms_pages_show_everything_and_are_audited(client, session, login_as, team):
    login_as(team["comms"])
    session.commit()
    page = client.get(f"/staff/segments/{team['shared'].id}").text
    assert "3 members match" in page and 'value="ethnic_group"' in page
    assert "special category data" not in page
    added = client.post(
        f"/staff/segments/{team['plain'].id}/add?field=religion&path=",
        data={"values": ["muslim"], "negate": ""},
    )
    assert added.status_code == 302
    session.expire_all()
    assert {e.detail for e in audits(session, USED)} == {"figures: ethnic_group", "save: religion"}
    assert audits(session, REFUSED) == []


def test_place_team_sees_labelled_special_segments_and_gets_a_field_error_choosing_one(
    client, session, login_as, team
):
    login_as(team["place"])
    bulletin = make_bulletin(session, NOW, team["place"], place_id=place(session, "blackpool").id)
    session.commit()
    url = f"/staff/bulletins/{bulletin.id}/audience"
    assert "Pakistani heritage (communications team only" in client.get(url).text
    chosen = client.post(url, data={"segment_id": str(team["shared"].id)})
    assert chosen.status_code == 200 and "only the communications and engagement team can send" in (
        chosen.text
    )
    session.expire_all()
    assert session.get(type(bulletin), bulletin.id).segment_id is None
    assert len(audits(session, REFUSED)) == 1


def test_invitations_later_than_caps_do_not_reopen_figures(session, team):
    """Inviting one person twice caps them; a shared segment's "will be skipped" would then move
    by one exactly when that person is in it. The figures stay withheld, before and after."""
    from panel.segments.services.fatigue import record_invitations

    before = segment_figures(session, team["shared"], team["place"], NOW)
    member_id = session.scalar(sa.select(EqualityProfile.member_id).limit(1))
    for days in (1, 2):
        record_invitations(session, [member_id], 1, NOW - timedelta(days=days))
    after = segment_figures(session, team["shared"], team["place"], NOW)
    assert before == after and after.counts is None
