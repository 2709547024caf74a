"""Places come from the postcode wherever one is given: joining, the member area and imports
(issue "Correct numbers", item 3)."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from panel.members.models import JoinDraft, Member
from panel.places.models import Neighbourhood
from tests.factories import make_member, make_staff, place
from tests.panel.test_joining import DETAILS, run_email_requests, shown_place_id
from tests.panel.test_member_area import _sign_in

ABOUT_YOU = {"age_band": "25-34", "preferred_format": "standard", "language": "en"}


def _radio_values(html: str) -> list[str]:
    return re.findall(r'name="place_id" type="radio" value="(\d+)"', html)


def _neighbourhood_options(html: str) -> set[int]:
    select = re.search(r'<select[^>]*name="neighbourhood_id".*?</select>', html, re.S)
    if select is None:
        return set()
    return {int(v) for v in re.findall(r'value="(\d+)"', select.group(0))} - {0}


def _neighbourhood_ids(session, code: str) -> set[int]:
    query = sa.select(Neighbourhood.id).where(Neighbourhood.place == place(session, code))
    return set(session.scalars(query))


def _finish_joining(client) -> None:
    client.post("/join/about-you", data=ABOUT_YOU)
    client.post("/join/equality", data={"skip": "1"})
    client.post("/join/check-your-answers", data={"tracking_consent": "no", "agree": "y"})
    run_email_requests()


# --- joining ------------------------------------------------------------------------------------


def test_changing_the_postcode_after_choosing_a_place_never_keeps_the_old_place(client, session):
    """The Barrow-in-Furness resident who first typed a Blackpool postcode."""
    blackpool_neighbourhood = min(_neighbourhood_ids(session, "blackpool"))
    client.post("/join/your-details", data=DETAILS)  # FY1: Blackpool
    page = client.get("/join/where-you-live").text
    client.post(
        "/join/where-you-live",
        data={"place_id": shown_place_id(page), "neighbourhood_id": blackpool_neighbourhood},
    )
    client.post("/join/about-you", data=ABOUT_YOU)
    client.post("/join/equality", data={"skip": "1"})

    moved = client.post("/join/your-details", data={**DETAILS, "postcode": "la14 1xx"})
    assert moved.location.endswith("/join/where-you-live")
    # Every later step sends the resident back until the place agrees with the new postcode.
    for step in ("/join/about-you", "/join/equality", "/join/check-your-answers"):
        assert client.get(step).location.endswith("/join/where-you-live"), step
    page = client.get("/join/where-you-live").text
    assert "You told us you live in Blackpool" in page
    assert "LA14 1XX is in <strong>South Cumbria</strong>" in page
    assert _neighbourhood_options(page) == _neighbourhood_ids(session, "south-cumbria")

    # The page open from before the change still says Blackpool: asked again, nothing kept.
    stale = client.post(
        "/join/where-you-live",
        data={
            "place_id": str(place(session, "blackpool").id),
            "neighbourhood_id": blackpool_neighbourhood,
        },
    )
    assert stale.status_code == 200 and "is in South Cumbria" in stale.text
    client.post(
        "/join/where-you-live", data={"place_id": shown_place_id(page), "neighbourhood_id": "0"}
    )
    _finish_joining(client)
    member = session.scalar(sa.select(Member))
    assert (member.postcode, member.place.code) == ("LA14 1XX", "south-cumbria")
    assert member.neighbourhood_id is None


def test_a_manchester_postcode_gets_the_kind_page_and_no_place(client, session):
    client.post("/join/your-details", data={**DETAILS, "postcode": "M1 1AE"})
    page = client.get("/join/where-you-live")
    assert page.status_code == 200 and "Your postcode is outside our area" in page.text
    assert "M1 1AE is outside that area" in page.text and "Lancashire" in page.text
    forged = client.post(
        "/join/where-you-live", data={"place_id": str(place(session, "blackpool").id)}
    )
    assert "Your postcode is outside our area" in forged.text
    assert client.get("/join/about-you").location.endswith("/join/where-you-live")
    assert "place_id" not in session.scalar(sa.select(JoinDraft)).answers


def test_an_unknown_district_in_our_postcode_areas_is_explained_and_nothing_is_stored(
    client, session
):
    response = client.post("/join/your-details", data={**DETAILS, "postcode": "fy9 1aa"})
    assert response.status_code == 200 and "There is a problem" in response.text
    assert "We cannot find the postcode district FY9" in response.text
    assert "people who live in Lancashire and South Cumbria" in response.text
    assert 'value="ann@example.com"' in response.text.lower()  # what was typed is kept
    assert session.scalar(sa.select(sa.func.count()).select_from(JoinDraft)) == 0


def test_a_postcode_that_cannot_exist_is_a_field_error(client, session):
    for typed in ("FY99 9ZZ9", "ZZ1 1ZZ", "FY1 1CA", "BFPO 123"):
        response = client.post("/join/your-details", data={**DETAILS, "postcode": typed})
        assert response.status_code == 200, typed
        assert "Enter a full UK postcode, like FY1 1AA" in response.text, typed
    assert session.scalar(sa.select(sa.func.count()).select_from(JoinDraft)) == 0


def test_a_shared_district_offers_only_its_places_and_the_first_places_neighbourhoods(
    client, session
):
    client.post("/join/your-details", data={**DETAILS, "postcode": "BB1 1AA"})
    page = client.get("/join/where-you-live").text
    bwd, lancashire = place(session, "blackburn-with-darwen"), place(session, "lancashire")
    assert sorted(_radio_values(page)) == sorted([str(bwd.id), str(lancashire.id)])
    assert shown_place_id(page) == str(bwd.id)  # most of BB1 is in Blackburn with Darwen
    assert _neighbourhood_options(page) == _neighbourhood_ids(session, "blackburn-with-darwen")
    # Choosing Lancashire with a Blackburn neighbourhood: asked again, with Lancashire's list.
    mixed = client.post(
        "/join/where-you-live",
        data={
            "place_id": str(lancashire.id),
            "neighbourhood_id": min(_neighbourhood_ids(session, "blackburn-with-darwen")),
        },
    )
    assert mixed.status_code == 200 and "Choose a neighbourhood in Lancashire" in mixed.text
    assert _neighbourhood_options(mixed.text) == _neighbourhood_ids(session, "lancashire")
    south_cumbria = client.post(
        "/join/where-you-live", data={"place_id": str(place(session, "south-cumbria").id)}
    )
    assert "is in Blackburn with Darwen or Lancashire" in south_cumbria.text
    assert "place_id" not in session.scalar(sa.select(JoinDraft)).answers
    client.post("/join/where-you-live", data={"place_id": str(lancashire.id)})
    _finish_joining(client)
    assert session.scalar(sa.select(Member)).place == lancashire


def test_a_neighbourhood_from_another_place_is_refused(client, session):
    client.post("/join/your-details", data=DETAILS)
    page = client.get("/join/where-you-live").text
    for code in ("south-cumbria", "lancashire", "blackburn-with-darwen"):
        for neighbourhood_id in _neighbourhood_ids(session, code):
            response = client.post(
                "/join/where-you-live",
                data={"place_id": shown_place_id(page), "neighbourhood_id": neighbourhood_id},
            )
            assert response.status_code == 200
            assert "Choose a neighbourhood in Blackpool" in response.text
    assert "place_id" not in session.scalar(sa.select(JoinDraft)).answers


def test_a_district_reaching_outside_lets_the_resident_say_they_live_outside(client, session):
    client.post("/join/your-details", data={**DETAILS, "postcode": "PR8 1AA"})  # mostly Sefton
    page = client.get("/join/where-you-live").text
    lancashire = place(session, "lancashire")
    assert sorted(_radio_values(page)) == sorted(["0", str(lancashire.id)])
    assert "Somewhere outside Lancashire and South Cumbria" in page
    unchosen = client.post("/join/where-you-live", data={"neighbourhood_id": "0"})
    assert "partly outside Lancashire and South Cumbria: choose where you live" in unchosen.text
    outside = client.post("/join/where-you-live", data={"place_id": "0"})
    assert "you told us you live outside that area" in outside.text
    assert "place_id" not in session.scalar(sa.select(JoinDraft)).answers


# --- the member area ----------------------------------------------------------------------------


def _details(member, **changes) -> dict:
    return {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "postcode": member.postcode,
        "place_id": str(member.place_id),
        "neighbourhood_id": str(member.neighbourhood_id or 0),
        "age_band": member.age_band,
        "preferred_format": "standard",
        "language": "en",
        **changes,
    }


def test_a_new_postcode_in_the_member_area_re_derives_the_place(client, session, outbox):
    neighbourhood = min(_neighbourhood_ids(session, "blackpool"))
    member = make_member(session, postcode="FY1 1AA", neighbourhood_id=neighbourhood)
    session.commit()
    _sign_in(client, member, outbox)
    page = client.get("/my-panel/details").text
    assert "FY1 1AA is in <strong>Blackpool</strong>" in page
    assert _neighbourhood_options(page) == _neighbourhood_ids(session, "blackpool")

    # The form still says Blackpool (and a Blackpool neighbourhood): asked, nothing saved.
    asked = client.post("/my-panel/details", data=_details(member, postcode="bb1 1aa"))
    assert asked.status_code == 200
    assert "BB1 1AA is in Blackburn with Darwen or Lancashire: choose one of them" in asked.text
    bwd = place(session, "blackburn-with-darwen")
    assert sorted(_radio_values(asked.text)) == sorted(
        [str(bwd.id), str(place(session, "lancashire").id)]
    )
    assert 'value="BB1 1AA"' in asked.text  # what was typed is kept
    session.expire_all()
    assert (member.postcode, member.place.code) == ("FY1 1AA", "blackpool")

    saved = client.post(
        "/my-panel/details",
        data=_details(member, postcode="bb1 1aa", place_id=str(bwd.id), neighbourhood_id="0"),
    )
    assert saved.status_code == 302
    session.expire_all()
    assert (member.postcode, member.place, member.neighbourhood_id) == ("BB1 1AA", bwd, None)


def test_member_area_refuses_outside_postcodes_and_out_of_place_neighbourhoods(
    client, session, outbox
):
    member = make_member(session, postcode="FY1 1AA")
    session.commit()
    _sign_in(client, member, outbox)
    outside = client.post("/my-panel/details", data=_details(member, postcode="M1 1AE"))
    assert outside.status_code == 200
    assert "The citizens&#39; panel is for people who live in Lancashire and South Cumbria" in (
        outside.text
    )
    elsewhere = min(_neighbourhood_ids(session, "south-cumbria"))
    wrong = client.post("/my-panel/details", data=_details(member, neighbourhood_id=elsewhere))
    assert "Choose a neighbourhood in Blackpool" in wrong.text
    session.expire_all()
    assert (member.postcode, member.place.code, member.neighbourhood_id) == (
        "FY1 1AA",
        "blackpool",
        None,
    )


def test_a_member_whose_place_disagrees_with_their_postcode_is_asked(client, session, outbox):
    """Members saved before this rule (the Barrow postcode kept in Blackpool) are asked."""
    member = make_member(session, postcode="LA14 1XX")  # and, wrongly, Blackpool
    session.commit()
    _sign_in(client, member, outbox)
    page = client.get("/my-panel/details").text
    assert "You told us you live in Blackpool, but your postcode LA14 1XX is in South Cumbria" in (
        page
    )
    session.expire_all()
    assert member.place.code == "blackpool"  # reading the page changes nothing
    client.post(
        "/my-panel/details",
        data=_details(member, place_id=str(place(session, "south-cumbria").id)),
    )
    session.expire_all()
    assert member.place.code == "south-cumbria"


# --- imports ------------------------------------------------------------------------------------

IMPORT = """first_name,last_name,email,postcode,place
Man,Chester,man@example.com,M1 1AE,
Wrong,Place,wrong@example.com,LA14 1XX,Blackpool
Shared,Chosen,shared@example.com,BB1 1AA,Lancashire
Shared,Unchosen,unchosen@example.com,BB1 1AA,
Agrees,Fine,agrees@example.com,la14 1xx,south-cumbria
No,Place,noplace@example.com,LA9 4AA,
Cannot,Exist,cannot@example.com,ZZ1 1ZZ,
Unknown,District,unknown@example.com,FY9 1AA,
"""


def test_import_rows_follow_the_postcode_rules(client, session, login_as):
    login_as(make_staff(session))
    session.commit()
    uploaded = client.post(
        "/staff/members/import",
        data={"file": (io.BytesIO(IMPORT.encode()), "panel.csv"), "source_id": "0"},
        content_type="multipart/form-data",
    )
    preview = client.get(uploaded.location).text
    for message in (
        "Postcode M1 1AE is outside the ICB area",
        "Place Blackpool does not match postcode LA14 1XX, which is in South Cumbria",
        "Postcode district BB1 covers several places (Blackburn with Darwen, Lancashire): "
        "add a place column to say which",
        "Postcode is not a valid UK postcode",
        "Unknown postcode FY9 1AA: its district is not in our postcode table",
    ):
        assert message in preview
    client.post(uploaded.location)
    created = {m.email: (m.postcode, m.place.code) for m in session.scalars(sa.select(Member))}
    assert created == {
        "shared@example.com": ("BB1 1AA", "lancashire"),
        "agrees@example.com": ("LA14 1XX", "south-cumbria"),
        "noplace@example.com": ("LA9 4AA", "south-cumbria"),
    }


def test_staff_see_when_a_members_area_disagrees_with_their_postcode(client, session, login_as):
    wrong = make_member(session, postcode="LA14 1XX")  # saved in Blackpool before the rule
    right = make_member(session, place_code="south-cumbria", postcode="LA14 1XX")
    login_as(make_staff(session))
    session.commit()
    warning = "The postcode LA14 1XX is in South Cumbria, but this member's area is Blackpool"
    assert warning in client.get(f"/staff/members/{wrong.id}").text
    assert "Area and postcode disagree" not in client.get(f"/staff/members/{right.id}").text
