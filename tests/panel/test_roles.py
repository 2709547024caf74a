"""Every staff route as anonymous, observer, place team and comms team."""

from __future__ import annotations

import pytest

from panel.auth.access import scope_to_places, visible_place_ids
from panel.auth.models import Role, StaffUser
from tests.factories import make_partner, make_staff, place
from tests.role_matrix import PUBLIC_ROUTES, STAFF_ROUTES

SAMPLE_ARGS = {
    "user_id": None,
    "place_id": None,
    "code": "FY1",
    "name": "none.eml",
    "member_id": 999999,
    "other_id": 999998,
    "merge_id": 999999,
    "cap_id": 999999,
    "import_id": 999999,
    "source_id": 999999,
    "segment_id": 999999,
    "selection_id": 999999,
    "bulletin_id": 999999,
    "item_id": 999999,
    "block_id": 999999,
    "survey_id": 999999,
    "page_index": 0,
    "key": "q1",
    "kind": "invitation",
    "version": 1,
    "election_id": 999999,
    "decision_id": 999999,
    "insight_id": 999999,
    "event_id": 999999,
    "invitation_id": 999999,
    "attendance_id": 999999,
    "claim_id": 999999,
    "expense_id": 999999,
    "token": "not-a-check-in-code",
    "campaign_id": 999999,
    "start_year": 2025,
    "endpoint_id": 999999,
    "delivery_id": 999999,
    "organisation_id": 999999,
    "report_id": 999999,
    "attachment_id": 999999,
}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_is_in_the_matrix_and_declares_the_same_roles(app):
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ROUTES:
            continue
        assert rule.endpoint in STAFF_ROUTES, f"{rule.endpoint} is missing from role_matrix.py"
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "staff_roles", None) == STAFF_ROUTES[rule.endpoint], rule.endpoint


def _url(app, session, rule, subject):
    args = dict(SAMPLE_ARGS, user_id=subject.id, place_id=place(session, "blackpool").id)
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})


@pytest.mark.parametrize(
    "role",
    [None, Role.OBSERVER, Role.PLACE, Role.COMMS, Role.PARTNER],
    ids=["anonymous", "observer", "place", "comms", "partner"],
)
def test_each_role_gets_exactly_the_routes_the_matrix_allows(app, session, client, login_as, role):
    subject = make_staff(session, Role.OBSERVER)
    if role is Role.PARTNER:
        login_as(make_partner(session))
    elif role is not None:
        login_as(make_staff(session, role, places=["blackpool"] if role is Role.PLACE else ()))
    session.commit()
    for rule in _rules(app):
        if rule.endpoint not in STAFF_ROUTES or "GET" not in rule.methods:
            continue
        response = client.get(_url(app, session, rule, subject))
        if role is None:
            assert response.status_code == 302, rule.endpoint
            assert "/staff/sign-in" in response.location, rule.endpoint
        elif role in STAFF_ROUTES[rule.endpoint]:
            assert response.status_code in (200, 404), (rule.endpoint, response.status_code)
        else:
            assert response.status_code == 403, (rule.endpoint, response.status_code)


def test_forbidden_page_is_friendly(client, session, login_as):
    login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    response = client.get("/staff/audit/")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.text


def test_place_scoping_narrows_queries_to_the_users_places(session):
    import sqlalchemy as sa

    from panel.places.models import District

    blackpool_user = make_staff(session, Role.PLACE, places=["blackpool", "south-cumbria"])
    observer = make_staff(session, Role.OBSERVER)
    query = sa.select(District.name)
    scoped = session.scalars(scope_to_places(query, blackpool_user, District.place_id)).all()
    assert sorted(scoped) == ["Barrow-in-Furness", "Blackpool", "South Lakeland"]
    assert len(session.scalars(scope_to_places(query, observer, District.place_id)).all()) == 16
    assert visible_place_ids(observer) is None


def test_place_user_without_places_sees_nothing(session):
    import sqlalchemy as sa

    from panel.places.models import District

    user = StaffUser(email="x@example.nhs.uk", name="X", role=Role.PLACE)
    rows = session.scalars(scope_to_places(sa.select(District), user, District.place_id)).all()
    assert rows == []
