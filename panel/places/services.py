"""Loading the geography from the project's CSV files, and suggesting a place for a postcode."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import District, Neighbourhood, Place, PopulationFigure, PostcodeDistrict
from panel.places.postcodes import outward_code

DATA_DIR = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_reference_places(session: Session) -> None:
    """Insert the places, districts, neighbourhoods and outward codes that are missing.

    Existing rows are left alone: staff may have renamed places or corrected a postcode mapping,
    and re-running the load must never undo their edits.
    """
    places = {p.code: p for p in session.scalars(sa.select(Place))}
    for row in _rows("places.csv"):
        if row["code"] not in places:
            place = Place(code=row["code"], name=row["name"], population=int(row["population"]))
            session.add(place)
            places[row["code"]] = place
    session.flush()

    districts = {d.lad_code: d for d in session.scalars(sa.select(District))}
    for row in _rows("districts.csv"):
        if row["lad_code"] not in districts:
            district = District(
                lad_code=row["lad_code"],
                name=row["name"],
                place=places[row["place_code"]],
                icp_2018=row["icp_2018"],
            )
            session.add(district)
            districts[row["lad_code"]] = district
    session.flush()

    known = set(session.execute(sa.select(Neighbourhood.place_id, Neighbourhood.name)))
    for row in _rows("neighbourhoods.csv"):
        place = places[row["place_code"]]
        if (place.id, row["name"]) not in known:
            session.add(
                Neighbourhood(name=row["name"], place=place, ods_code=row["ods_code"] or None)
            )

    codes = set(session.scalars(sa.select(PostcodeDistrict.outward_code)))
    for row in _rows("postcode_districts.csv"):
        if row["outward_code"] in codes:
            continue
        session.add(
            PostcodeDistrict(
                outward_code=row["outward_code"],
                district=districts.get(row["lad_code"]),
                place=places.get(row["place_code"]),
                straddles=row["straddles"] == "yes",
                in_icb=row["in_icb"] == "yes",
                post_town=row["post_town"] or None,
            )
        )
    session.flush()
    load_population_figures(session, places)


def load_population_figures(session: Session, places: dict[str, Place]) -> None:
    """Census 2021 figures per place, for representativeness (inserted once, never overwritten)."""
    if session.scalar(sa.select(PopulationFigure.id).limit(1)) is not None:
        return
    session.add_all(
        PopulationFigure(
            place=places[row["place_code"]],
            dimension=row["dimension"],
            category=row["category"],
            population=int(row["population"]),
            note=row["note"],
            source=row["source"],
        )
        for row in _rows("population_2021.csv")
    )
    session.flush()


@dataclass(frozen=True)
class PlaceSuggestion:
    """What an outward code tells us: a place to suggest, or that it lies outside the ICB."""

    outward_code: str
    place: Place | None
    in_icb: bool
    #: the code is shared by more than one place, so the resident's choice matters more.
    uncertain: bool
    known: bool


def suggest_place(session: Session, postcode: str) -> PlaceSuggestion:
    """Suggest a place for a normalised postcode from the outward-code table."""
    code = outward_code(postcode)
    row = session.get(PostcodeDistrict, code)
    if row is None:
        return PlaceSuggestion(code, None, in_icb=False, uncertain=True, known=False)
    return PlaceSuggestion(
        code, row.place, in_icb=row.in_icb, uncertain=row.straddles or row.place is None, known=True
    )


def all_places(session: Session) -> list[Place]:
    return list(session.scalars(sa.select(Place).order_by(Place.name)))


def rename_place(place: Place, new_name: str) -> None:
    """Rename a place; raises ValueError for a blank name."""
    cleaned = " ".join(new_name.split())
    if not cleaned:
        raise ValueError("Enter a name for the place")
    place.name = cleaned


def outward_sort_key(code: str) -> tuple[str, int]:
    """Sort FY2 before FY10."""
    letters = "".join(ch for ch in code if ch.isalpha() and not ch.isdigit())
    digits = "".join(ch for ch in code if ch.isdigit())
    return (letters, int(digits or 0))


def update_postcode_district(
    session: Session, row: PostcodeDistrict, place_id: int | None, *, straddles: bool, in_icb: bool
) -> None:
    """Correct what an outward code suggests. Raises ValueError for an unknown place."""
    if place_id is not None and session.get(Place, place_id) is None:
        raise ValueError("unknown place")
    row.place_id = place_id
    row.straddles = straddles
    row.in_icb = in_icb
