"""Fair selection from a saved segment: stored with its seed, reported, exported with an audit."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.models import EqualityProfile
from panel.segments import definition as definitions
from panel.segments.models import FairSelection, Segment
from tests.factories import make_member, make_staff, place

AGE_BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]


def _segment_with_members(session, count=40):
    for number in range(count):
        make_member(
            session,
            "blackpool",
            age_band=AGE_BANDS[number % len(AGE_BANDS)],
            equality=EqualityProfile(sex=["female", "male"][number % 2]),
        )
    make_member(session, "lancashire")
    segment = Segment(
        name="Blackpool",
        place=place(session, "blackpool"),
        definition=definitions.empty_definition(),
    )
    session.add(segment)
    session.flush()
    return segment


def test_selection_is_reproducible_reported_and_exported(client, session, login_as):
    segment = _segment_with_members(session)
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    form = {"number_wanted": "10", "features": ["age_band", "sex"], "seed": "42"}
    first = client.post(f"/staff/segments/{segment.id}/select", data=form)
    second = client.post(f"/staff/segments/{segment.id}/select", data=form)
    assert first.status_code == second.status_code == 302
    selections = session.scalars(sa.select(FairSelection).order_by(FairSelection.id)).all()
    assert selections[0].member_ids == selections[1].member_ids
    assert len(selections[0].member_ids) == 10
    page = client.get(first.location).text
    assert "10 people selected" in page and "How closely the quotas were met" in page
    export = client.post(first.location + "/export.csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert len(rows) == 11 and rows[0][:4] == ["member_id", "first_name", "last_name", "email"]
    actions = session.scalars(sa.select(AuditEvent.action)).all()
    assert {"segment.fair_selection", "segment.fair_selection_export"} <= set(actions)


def test_asking_for_more_people_than_the_segment_has_is_a_field_error(client, session, login_as):
    segment = _segment_with_members(session, count=5)
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    response = client.post(
        f"/staff/segments/{segment.id}/select",
        data={"number_wanted": "50", "features": ["sex"], "seed": "1"},
    )
    assert response.status_code == 200 and "ask for 5 or fewer" in response.text


def test_another_places_selection_is_404(client, session, login_as):
    segment = _segment_with_members(session, count=6)
    selection = FairSelection(
        segment_id=segment.id,
        number_wanted=2,
        seed=1,
        features=["sex"],
        member_ids=[1, 2],
        report={"all_met": True, "messages": [], "outcomes": []},
    )
    session.add(selection)
    login_as(make_staff(session, Role.PLACE, places=["lancashire"]))
    session.commit()
    url = f"/staff/segments/{segment.id}/selections/{selection.id}"
    assert client.get(url).status_code == 404
    assert client.post(url + "/export.csv").status_code == 404
