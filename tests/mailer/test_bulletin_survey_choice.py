"""Survey invitations in bulletin items and contributions: a place team is offered, and may
name, only its own places' approved or live surveys; any other id is refused by the service
with a message next to the field, exactly as a missing one is."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mailer.bulletins.models import BulletinItem, ItemKind
from mailer.bulletins.services import compose, contributions
from panel.auth.models import Role
from surveys.models import SurveyStatus
from tests.factories import make_staff, place
from tests.mailer.bulletin_helpers import approved_survey, make_bulletin

SURVEY_ITEM = {
    "kind": "survey",
    "title": "Tell us about parking",
    "body": "It takes five minutes.",
    "link_url": "https://panel.test/s/{token}",
    "link_text": "Take the parking survey",
}


@pytest.fixture
def surveys(session):
    """One survey per situation, named by whose it is and what state it is in."""
    blackpool, cumbria = place(session, "blackpool").id, place(session, "south-cumbria").id
    made = {
        "own_live": approved_survey(session, blackpool, "Blackpool parking"),
        "own_approved": approved_survey(session, blackpool, "Blackpool buses"),
        "own_draft": approved_survey(session, blackpool, "Blackpool draft"),
        "other_place": approved_survey(session, cumbria, "Kendal parking"),
        "icb_wide": approved_survey(session, None, "Whole ICB survey"),
    }
    made["own_live"].status = SurveyStatus.LIVE
    made["own_draft"].status = SurveyStatus.DRAFT
    session.flush()
    return made


def _items(session) -> int:
    return session.scalar(sa.select(sa.func.count(BulletinItem.id)))


def test_a_place_team_is_offered_only_its_own_approved_or_live_surveys(
    session, client, login_as, surveys
):
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    page = client.get("/staff/bulletins/contributions").text
    assert "Blackpool parking" in page and "Blackpool buses" in page
    for hidden in ("Blackpool draft", "Kendal parking", "Whole ICB survey"):
        assert hidden not in page


@pytest.mark.parametrize("which", ["other_place", "icb_wide", "own_draft", "missing"])
def test_a_contribution_naming_a_survey_outside_the_users_places_is_refused(
    session, client, login_as, surveys, which
):
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    survey_id = surveys[which].id if which in surveys else 999999
    session.commit()
    before = _items(session)
    page = client.post(
        "/staff/bulletins/contributions", data={**SURVEY_ITEM, "survey_id": str(survey_id)}
    )
    assert page.status_code == 200
    assert "Choose one of your surveys that is approved or live" in page.text
    assert 'value="Tell us about parking"' in page.text  # what was typed is kept
    assert _items(session) == before


def test_a_contribution_naming_the_teams_own_survey_is_accepted(session, client, login_as, surveys):
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    own = surveys["own_live"].id
    response = client.post(
        "/staff/bulletins/contributions", data={**SURVEY_ITEM, "survey_id": str(own)}
    )
    assert response.status_code == 302
    item = session.scalar(sa.select(BulletinItem).order_by(BulletinItem.id.desc()))
    assert (item.kind, item.survey_id) == (ItemKind.SURVEY, own)


def test_the_item_editor_of_a_place_bulletin_refuses_another_places_survey(
    session, client, login_as, surveys, now
):
    user = login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    bulletin = make_bulletin(session, now, user, place_id=place(session, "blackpool").id)
    session.commit()
    before = _items(session)
    url = f"/staff/bulletins/{bulletin.id}/items/new"
    assert "Kendal parking" not in client.get(url).text
    tampered = client.post(url, data={**SURVEY_ITEM, "survey_id": str(surveys["other_place"].id)})
    assert tampered.status_code == 200 and "Choose one of your surveys" in tampered.text
    assert _items(session) == before
    garbage = client.post(url, data={**SURVEY_ITEM, "survey_id": "1e9; DROP TABLE"})
    assert garbage.status_code == 200 and "Choose one of your surveys" in garbage.text
    accepted = client.post(url, data={**SURVEY_ITEM, "survey_id": str(surveys["own_live"].id)})
    assert accepted.status_code == 302 and _items(session) == before + 1


def test_the_services_refuse_other_places_surveys_whoever_calls_them(session, surveys, now):
    user = make_staff(session, Role.PLACE, places=["blackpool"])
    comms = make_staff(session, Role.COMMS)
    for which in ("other_place", "icb_wide", "own_draft"):
        with pytest.raises(compose.ComposeError) as refused:
            contributions.submit_contribution(
                session,
                user,
                kind=ItemKind.SURVEY,
                title="x",
                body="",
                now=now,
                link_url=SURVEY_ITEM["link_url"],
                link_text="",
                survey_id=surveys[which].id,
            )
        assert refused.value.field == "survey_id"
    # The communications team sees every place, but still only approved or live surveys.
    offered = {sid for sid, _title in compose.invitable_surveys(session, comms)}
    assert offered == {
        surveys[k].id for k in ("own_live", "own_approved", "other_place", "icb_wide")
    }
    # An item that is not a survey invitation keeps no survey, whatever was posted.
    news = compose.check_item(session, user, ItemKind.NEWS, "", surveys["other_place"].id)
    assert news is None
