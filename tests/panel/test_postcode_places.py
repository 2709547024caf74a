"""Where a postcode puts someone: the one set of rules (panel.places.services.place_for_postcode)
tried over every district in the table, generated postcodes of every shape, and staff edits of
the table."""

from __future__ import annotations

import csv
import string

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.places.models import Neighbourhood, Place, PostcodeDistrict
from panel.places.postcodes import (
    AREAS_WITH_LETTERED_DISTRICTS,
    POSTCODE_AREAS,
    InvalidPostcode,
    normalise_postcode,
)
from panel.places.services import (
    DATA_DIR,
    ICB_POSTCODE_AREAS,
    LIVES_OUTSIDE,
    BadPostcode,
    NeighbourhoodNotInPlace,
    OutsideArea,
    PlaceDisagrees,
    PlaceNeeded,
    PostcodeDistrictProblem,
    UnknownDistrict,
    place_for_postcode,
    update_postcode_district,
)
from tests.factories import place

DB_EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O or V
inward = st.builds(
    lambda digit, a, b: f"{digit}{a}{b}",
    st.sampled_from(string.digits),
    st.sampled_from(INWARD_LETTERS),
    st.sampled_from(INWARD_LETTERS),
)


def _districts(session) -> list[PostcodeDistrict]:
    return list(session.scalars(sa.select(PostcodeDistrict)))


def _csv_rows() -> list[dict[str, str]]:
    with open(DATA_DIR / "postcode_districts.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- every district in the table ---------------------------------------------------------------


def test_every_district_in_the_table_resolves_to_the_places_it_covers(session):
    seen = 0
    for row in _districts(session):
        postcode = f"{row.outward_code.lower()} 1aa"
        if not row.places:
            with pytest.raises(OutsideArea):
                place_for_postcode(session, postcode)
            continue
        result = place_for_postcode(session, postcode)
        assert result.postcode == f"{row.outward_code} 1AA"
        assert {p.id for p in result.places} == {p.id for p in row.places}
        if row.place is not None:
            assert result.places[0] == row.place  # most of it is there: offered first
        assert result.needs_choice == row.straddles
        if not row.straddles:
            assert result.choose(None).place == row.place == row.places[0]
        seen += 1
    assert seen > 55


def test_a_straddling_district_offers_exactly_its_places_and_nothing_else(session):
    every_place = list(session.scalars(sa.select(Place)))
    straddling = [row for row in _districts(session) if row.straddles]
    assert {"BB1", "FY3", "LA5", "LA6", "PR8", "BL7"} <= {row.outward_code for row in straddling}
    for row in straddling:
        result = place_for_postcode(session, f"{row.outward_code} 9ZZ")
        with pytest.raises(PlaceNeeded):
            result.choose(None)
        for candidate in every_place:
            if candidate in row.places:
                assert result.choose(candidate.id).place == candidate
            else:
                with pytest.raises(PlaceDisagrees):
                    result.choose(candidate.id)
        if row.reaches_outside:
            with pytest.raises(OutsideArea):
                result.choose(LIVES_OUTSIDE)
        else:
            with pytest.raises(PlaceDisagrees):
                result.choose(LIVES_OUTSIDE)


def test_the_table_holds_what_the_data_file_says(session):
    rows = _csv_rows()
    assert len(rows) == len(_districts(session))
    for data in rows:
        row = session.get(PostcodeDistrict, data["outward_code"])
        covered = {data["place_code"], *data["other_place_codes"].split(";")} - {""}
        assert {p.code for p in row.places} == covered, data["outward_code"]
        assert (row.place.code if row.place else "") == data["place_code"]
        assert row.reaches_outside == (data["reaches_outside"] == "yes")


def test_the_icb_postcode_areas_are_listed_completely(session):
    """For BB, FY, LA and PR a district missing from the table is a mistake, not somewhere
    outside: so their numbered districts must all be there (PO box codes such as FY0 aside)."""
    codes = {row.outward_code for row in _districts(session)}
    expected = {
        "BB": [*range(1, 13), 18],
        "FY": range(1, 9),
        "LA": range(1, 24),
        "PR": [*range(1, 10), 25, 26],
    }
    assert set(expected) == ICB_POSTCODE_AREAS
    for area, numbers in expected.items():
        assert {f"{area}{n}" for n in numbers} <= codes


@pytest.mark.parametrize(
    "postcode,place_code",
    [
        ("LA14 1XX", "south-cumbria"),  # Barrow-in-Furness
        ("la13 9aa", "south-cumbria"),
        ("LA9 4AA", "south-cumbria"),  # Kendal
        ("LA1 1AA", "lancashire"),  # Lancaster
        ("FY1 1AA", "blackpool"),
        ("BB3 1AA", "blackburn-with-darwen"),
        ("PR1 2AA", "lancashire"),
    ],
)
def test_known_districts_give_their_place(session, postcode, place_code):
    assert place_for_postcode(session, postcode).choose(None).place.code == place_code


# --- well-formed postcodes outside, unknown districts, and ones that cannot exist --------------


@pytest.mark.parametrize(
    "postcode",
    [
        "M1 1AE",
        "L1 8JQ",
        "WN1 1AA",
        "LA18 4AA",
        "BD23 1AA",
        "SW1A 1AA",
        "GIR 0AA",
        "BF1 3AA",
        "JE2 3AB",
        "EC1A 1BB",
    ],
)
def test_real_postcodes_outside_lancashire_and_south_cumbria_are_outside(session, postcode):
    with pytest.raises(OutsideArea) as outside:
        place_for_postcode(session, postcode)
    assert "Lancashire and South Cumbria" in str(outside.value)


@pytest.mark.parametrize("postcode", ["FY9 1AA", "FY99 9ZZ", "LA99 1AA", "PR11 1AA", "BB0 1AA"])
def test_districts_of_the_icb_areas_missing_from_the_table_are_unknown(session, postcode):
    with pytest.raises(UnknownDistrict) as unknown:
        place_for_postcode(session, postcode)
    assert "Check your postcode" in str(unknown.value)
    assert "Lancashire and South Cumbria" in str(unknown.value)


@pytest.mark.parametrize(
    "text",
    [
        "FY99 9ZZ9",
        "ZZ1 1ZZ",
        "QA1 1AA",
        "FY1A 1AA",
        "FY1 1CA",
        "FY1",
        "1AA",
        "BFPO 123",
        "STHL 1ZZ",
        "GX11 1AA",
        "KY1-1001",
        "FY1-1AA",
        "",
        "   ",
        "FY1 1AA FY1 1AA",
    ],
)
def test_postcodes_that_cannot_exist_are_refused(session, text):
    with pytest.raises(BadPostcode) as bad:
        place_for_postcode(session, text)
    assert str(bad.value) == "Enter a full UK postcode, like FY1 1AA"


@given(
    outward=st.sampled_from(sorted(POSTCODE_AREAS)).flatmap(
        lambda area: st.builds(lambda n: f"{area}{n}", st.integers(0, 99))
    ),
    inward=inward,
    spaces=st.sampled_from(["", " ", "  ", "\t"]),
    lower=st.booleans(),
)
@DB_EXAMPLES
def test_generated_well_formed_postcodes_are_placed_outside_or_unknown(
    session, outward, inward, spaces, lower
):
    typed = f"{outward}{spaces}{inward}"
    typed = typed.lower() if lower else typed
    expected = f"{outward} {inward}"
    assert normalise_postcode(typed) == expected
    row = session.get(PostcodeDistrict, outward)
    if row is not None and row.places:
        assert place_for_postcode(session, typed).postcode == expected
    elif row is None and outward.rstrip(string.digits) in ICB_POSTCODE_AREAS:
        with pytest.raises(UnknownDistrict):
            place_for_postcode(session, typed)
    else:
        with pytest.raises(OutsideArea):
            place_for_postcode(session, typed)


def _valid_shape():
    return st.builds(
        lambda area, n, tail: f"{area}{n} {tail}",
        st.sampled_from(sorted(POSTCODE_AREAS)),
        st.integers(0, 99),
        inward,
    )


bad_postcodes = st.one_of(
    # a character too many at the end: an inward code never ends in a digit
    st.builds(lambda p, d: p + d, _valid_shape(), st.sampled_from(string.digits)),
    # a letter the inward code never uses
    st.builds(
        lambda p, letter, at: p[:-2] + (letter + p[-1] if at else p[-2] + letter),
        _valid_shape(),
        st.sampled_from("CIKMOV"),
        st.booleans(),
    ),
    # an area that does not exist
    st.builds(
        lambda a, b, p: a + b + p.lstrip(string.ascii_uppercase),
        st.sampled_from(string.ascii_uppercase),
        st.sampled_from(string.ascii_uppercase),
        _valid_shape(),
    ).filter(lambda p: p.split(" ")[0].rstrip(string.digits) not in POSTCODE_AREAS),
    # a lettered district outside central London
    st.builds(
        lambda area, n, letter, tail: f"{area}{n}{letter} {tail}",
        st.sampled_from(sorted(POSTCODE_AREAS - AREAS_WITH_LETTERED_DISTRICTS)),
        st.integers(1, 9),
        st.sampled_from("ABEHMNPRVWXY"),
        inward,
    ),
    # punctuation, or no inward code at all
    st.builds(lambda p, c: p.replace(" ", c), _valid_shape(), st.sampled_from("-_./,;:")),
    st.builds(lambda p: p.split(" ")[0], _valid_shape()),
    # anything else that is not letters, digits and spaces
    st.text(min_size=1, max_size=12).filter(
        lambda text: any(not (ch.isascii() and (ch.isalnum() or ch.isspace())) for ch in text)
    ),
)


@given(text=bad_postcodes)
@DB_EXAMPLES
def test_generated_postcodes_that_cannot_exist_are_refused(session, text):
    with pytest.raises(InvalidPostcode):
        normalise_postcode(text)
    with pytest.raises(BadPostcode):
        place_for_postcode(session, text)


# --- the choice of place and neighbourhood -----------------------------------------------------


def test_a_neighbourhood_must_be_in_the_chosen_place(session):
    blackpool = place(session, "blackpool")
    result = place_for_postcode(session, "FY1 1AA")
    own = session.scalars(sa.select(Neighbourhood).where(Neighbourhood.place == blackpool)).all()
    other = session.scalars(sa.select(Neighbourhood).where(Neighbourhood.place != blackpool)).all()
    assert own and other
    assert [n.id for n in result.neighbourhoods(blackpool)] == [n.id for n in own]
    assert result.choose(blackpool.id, own[0].id).neighbourhood == own[0]
    assert result.choose(None, 0).neighbourhood is None  # "Not sure"
    for neighbourhood in other:
        with pytest.raises(NeighbourhoodNotInPlace):
            result.choose(blackpool.id, neighbourhood.id)
    with pytest.raises(NeighbourhoodNotInPlace):
        result.choose(None, 2**63)


def test_the_place_offered_first_is_the_one_given_if_the_postcode_allows_it(session):
    lancashire, blackpool = place(session, "lancashire"), place(session, "blackpool")
    fy3 = place_for_postcode(session, "FY3 7AA")
    assert fy3.suggested_place(None) == blackpool
    assert fy3.suggested_place(lancashire.id) == lancashire
    assert place_for_postcode(session, "LA14 1AA").suggested_place(blackpool.id).code == (
        "south-cumbria"
    )
    assert place_for_postcode(session, "PR8 1AA").suggested_place(None) is None  # mostly Sefton


# --- staff corrections to the table follow the same rules ---------------------------------------


def test_staff_corrections_that_cannot_be_true_are_refused_and_change_nothing(session):
    row = session.get(PostcodeDistrict, "FY7")
    lancashire, blackpool = place(session, "lancashire"), place(session, "blackpool")
    for kwargs, field in [
        ({"place_ids": [lancashire.id], "main_place_id": blackpool.id}, "main_place_id"),
        ({"place_ids": [], "main_place_id": None}, "place_ids"),
        ({"place_ids": [2**40], "main_place_id": None}, "place_ids"),
    ]:
        with pytest.raises(PostcodeDistrictProblem) as problem:
            update_postcode_district(session, row, reaches_outside=False, **kwargs)
        assert problem.value.field == field
        assert [p.code for p in row.places] == ["lancashire"] and row.place == lancashire
    update_postcode_district(
        session, row, place_ids=[blackpool.id], main_place_id=None, reaches_outside=False
    )
    assert row.place == blackpool and not row.straddles  # its only place is the one it suggests
    update_postcode_district(session, row, place_ids=[], main_place_id=None, reaches_outside=True)
    session.flush()
    with pytest.raises(OutsideArea):
        place_for_postcode(session, "FY7 1AA")
