"""The duplicates pages: place teams see and propose within their places, the comms team
merges after a page saying what will happen, and undoes; every look is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.duplicates.models import MemberMerge, MergeStatus
from panel.duplicates.scans import scan_duplicates
from panel.members.models import MemberStatus
from tests.factories import make_member, make_staff


def _twice(session, place_code="blackpool", **second):
    earlier = datetime.now(UTC) - timedelta(days=300)
    first = make_member(
        session,
        place_code,
        first_name="Robert",
        last_name="Nowak",
        postcode="FY1 1AA",
        email="rnowak@example.com",
        joined_at=earlier,
        created_at=earlier,
    )
    values = {"first_name": "Bob", "last_name": "Nowak", "postcode": "FY1 1AA"}
    values.update(second)
    return first, make_member(session, place_code, email="bob.nowak@example.org", **values)


def _actions(session) -> list[str]:
    return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_place_team_sees_its_pairs_proposes_and_cannot_merge(client, session, login_as):
    robert, bob = _twice(session)
    other_place = make_member(
        session, "blackburn-with-darwen", first_name="Robert", last_name="Nowak"
    )
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    scan_duplicates(session, datetime.now(UTC))  # the hourly job
    session.commit()

    page = client.get("/staff/duplicates/").get_data(as_text=True)
    assert "Bob Nowak" in page and "first name and its short form" in page
    assert client.get(f"/staff/duplicates/{robert.id}/{other_place.id}").status_code == 404
    pair = client.get(f"/staff/duplicates/{robert.id}/{bob.id}").get_data(as_text=True)
    assert "Propose merging these records" in pair and "Merge these records" not in pair
    assert client.post(f"/staff/duplicates/{robert.id}/{bob.id}/merge").status_code == 403

    response = client.post(f"/staff/duplicates/{robert.id}/{bob.id}/propose")
    assert response.status_code == 302
    proposal = session.scalar(sa.select(MemberMerge))
    assert proposal.status is MergeStatus.PROPOSED
    assert (proposal.kept_member_id, proposal.merged_member_id) == (robert.id, bob.id)
    again = client.post(f"/staff/duplicates/{robert.id}/{bob.id}/propose")
    assert again.status_code == 422 and "already been proposed" in again.get_data(as_text=True)
    assert "Merge proposed" in client.get("/staff/duplicates/").get_data(as_text=True)
    assert {"members.duplicates", "members.duplicate_pair", "members.merge_propose"} <= set(
        _actions(session)
    )


def test_comms_merges_after_the_confirmation_page_and_undoes(client, session, login_as):
    robert, bob = _twice(session)
    login_as(make_staff(session, Role.COMMS))
    session.commit()

    pair = client.get(f"/staff/duplicates/{robert.id}/{bob.id}").get_data(as_text=True)
    assert f"Record {robert.id} stays" in pair and "You can undo the merge for 30 days" in pair
    assert f"those of record {bob.id}" in pair  # the details given last
    assert session.get(type(bob), bob.id).status is MemberStatus.ACTIVE  # nothing yet

    response = client.post(f"/staff/duplicates/{robert.id}/{bob.id}/merge")
    merge = session.scalar(sa.select(MemberMerge))
    assert response.location.endswith(f"/staff/duplicates/merges/{merge.id}")
    session.expire_all()
    assert session.get(type(bob), bob.id).status is MemberStatus.MERGED
    detail = client.get(response.location).get_data(as_text=True)
    assert "Undo this merge" in detail
    assert client.post(f"/staff/duplicates/{robert.id}/{bob.id}/merge").status_code == 422

    assert client.post(f"/staff/duplicates/merges/{merge.id}/undo").status_code == 302
    session.expire_all()
    assert session.get(type(bob), bob.id).status is MemberStatus.ACTIVE
    assert session.get(MemberMerge, merge.id).status is MergeStatus.UNDONE
    assert "members.merge" in _actions(session) and "members.merge_undo" in _actions(session)


def test_a_pair_judged_to_be_two_people_is_no_longer_listed(client, session, login_as):
    robert, bob = _twice(session)
    login_as(make_staff(session, Role.COMMS))
    scan_duplicates(session, datetime.now(UTC))
    session.commit()
    assert "Bob Nowak" in client.get("/staff/duplicates/").get_data(as_text=True)
    client.post(f"/staff/duplicates/{robert.id}/{bob.id}/not-duplicate")
    assert "Bob Nowak" not in client.get("/staff/duplicates/").get_data(as_text=True)
