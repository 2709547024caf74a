"""Loading the geography from the project's CSV files, and suggesting a place for a postcode."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.i18n import gettext
from panel.places.models import District, Neighbourhood, Place, PopulationFigure, PostcodeDistrict
from panel.places.postcodes import InvalidPostcode, normalise_postcode, outward_code, postcode_area

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
        covered = [row["place_code"], *row["other_place_codes"].split(";")]
        district = PostcodeDistrict(
            outward_code=row["outward_code"],
            district=districts.get(row["lad_code"]),
            post_town=row["post_town"] or None,
        )
        session.add(district)
        update_postcode_district(
            session,
            district,
            place_ids=[places[code.strip()].id for code in covered if code.strip()],
            main_place_id=places[row["place_code"]].id if row["place_code"] else None,
            reaches_outside=row["reaches_outside"] == "yes",
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


def all_places(session: Session) -> list[Place]:
    """Every place, by name."""
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


class PostcodeDistrictProblem(ValueError):
    """A correction to a postcode district that cannot be right; ``field`` is the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def update_postcode_district(
    session: Session,
    row: PostcodeDistrict,
    *,
    place_ids: list[int],
    main_place_id: int | None,
    reaches_outside: bool,
) -> None:
    """Set the places an outward code covers, the one it suggests first, and whether part of it
    lies outside the ICB. Raises PostcodeDistrictProblem for a combination that cannot be true."""
    # Looked up among the places, not by key: an id beyond the database's integers is just
    # not a place.
    places = {place.id: place for place in session.scalars(sa.select(Place))}
    if any(place_id not in places for place_id in place_ids):
        raise PostcodeDistrictProblem("place_ids", "Choose places from the list")
    covered = [places[place_id] for place_id in dict.fromkeys(place_ids)]
    if not covered and not reaches_outside:
        raise PostcodeDistrictProblem(
            "place_ids",
            "Choose the places this postcode district covers, or say it lies outside the ICB area",
        )
    if main_place_id is None and len(covered) == 1 and not reaches_outside:
        main_place_id = covered[0].id  # the only place it can suggest
    if main_place_id is not None and main_place_id not in {p.id for p in covered}:
        raise PostcodeDistrictProblem(
            "main_place_id", "The place it suggests first must be one of the places it covers"
        )
    row.places = covered
    row.place = next((p for p in covered if p.id == main_place_id), None)
    row.reaches_outside = reaches_outside or not covered


# Where a postcode puts someone: the one set of rules for joining, the member area, imports and
# staff edits. Views and imports only turn the errors below into their own messages.

#: The postcode areas every geographic district of which is in postcode_districts.csv, so a
#: district of theirs missing from the table is a mistake (or a PO box code); a district missing
#: from any other area (M1, L1, WN1) lies outside the ICB.
ICB_POSTCODE_AREAS = frozenset({"BB", "FY", "LA", "PR"})
#: The answer of someone in a district reaching beyond the ICB who lives on the outside part.
LIVES_OUTSIDE = 0


class PostcodeNotAccepted(ValueError):
    """The postcode gives no place in the ICB area; str() is the explanation for the resident."""

    def __init__(self, postcode: str, message: str) -> None:
        super().__init__(message)
        self.postcode = postcode


class BadPostcode(PostcodeNotAccepted):
    """The text is not a UK postcode that can exist."""

    def __init__(self, text: str) -> None:
        super().__init__(text, gettext("Enter a full UK postcode, like FY1 1AA"))


class OutsideArea(PostcodeNotAccepted):
    """A real postcode outside Lancashire and South Cumbria (or its resident lives outside)."""

    def __init__(self, postcode: str, *, said_by_resident: bool = False) -> None:
        if said_by_resident:
            message = gettext(
                "The citizens' panel is for people who live in Lancashire and South Cumbria, "
                "and you live outside that area"
            )
        else:
            message = gettext(
                "The citizens' panel is for people who live in Lancashire and South Cumbria, "
                "and %(postcode)s is outside that area",
                postcode=postcode,
            )
        super().__init__(postcode, message)


class UnknownDistrict(PostcodeNotAccepted):
    """A postcode in one of the ICB's postcode areas whose district the table does not list."""

    def __init__(self, postcode: str) -> None:
        super().__init__(
            postcode,
            gettext(
                "We cannot find the postcode district %(district)s in Lancashire and South "
                "Cumbria. Check your postcode: the citizens' panel is for people who live in "
                "Lancashire and South Cumbria",
                district=outward_code(postcode),
            ),
        )


class PlaceChoiceProblem(ValueError):
    """The place or neighbourhood given does not fit the postcode; str() says what to do and
    ``field`` names the form field it belongs to."""

    field = "place_id"


class PlaceNeeded(PlaceChoiceProblem):
    """The postcode district covers more than one place (or reaches outside): someone chooses."""


class PlaceDisagrees(PlaceChoiceProblem):
    """The place given is not one the postcode district covers."""


class NeighbourhoodNotInPlace(PlaceChoiceProblem):
    """The neighbourhood given is not in the chosen place."""

    field = "neighbourhood_id"


@dataclass(frozen=True)
class PlaceChoice:
    """A place (and neighbourhood, if known) that agrees with a postcode."""

    place: Place
    neighbourhood: Neighbourhood | None


@dataclass(frozen=True)
class PostcodePlaces:
    """What a postcode says about where someone lives."""

    postcode: str
    outward_code: str
    #: the places the postcode district covers, the one most of it is in first.
    places: tuple[Place, ...]
    #: part of the district lies outside the ICB, so "I live outside" is an answer too.
    reaches_outside: bool
    #: the place most of the district is in (None when most of it is outside, or no one place).
    main_place: Place | None

    @property
    def needs_choice(self) -> bool:
        """True when the resident says which place, because the postcode alone cannot."""
        return len(self.places) > 1 or self.reaches_outside

    @property
    def names(self) -> str:
        """'Blackpool', or 'Blackburn with Darwen or Lancashire'."""
        separator = gettext("or")
        return f" {separator} ".join(place.name for place in self.places)

    def place_for(self, place_id: int | None) -> Place | None:
        """The place with this id if the postcode district covers it."""
        return next((place for place in self.places if place.id == place_id), None)

    def suggested_place(self, place_id: int | None = None) -> Place | None:
        """The place to show as chosen: the one given if the postcode allows it, else the only
        place, else the one most of the district is in (None if most of it is outside)."""
        given = self.place_for(place_id)
        if given is not None:
            return given
        return self.places[0] if not self.needs_choice else self.main_place

    def neighbourhoods(self, place: Place | None) -> list[Neighbourhood]:
        """The neighbourhoods someone in this place can choose from."""
        return list(place.neighbourhoods) if self.place_for(place.id if place else None) else []

    def choose(self, place_id: int | None, neighbourhood_id: int | None = None) -> PlaceChoice:
        """Check a place (None: the postcode's own, when it has one) and a neighbourhood (None or
        0: not sure) against the postcode. Raises OutsideArea when the resident says they live
        outside, PlaceNeeded, PlaceDisagrees or NeighbourhoodNotInPlace."""
        if place_id == LIVES_OUTSIDE and self.reaches_outside:
            raise OutsideArea(self.postcode, said_by_resident=True)
        if place_id is None:
            if self.needs_choice:
                raise PlaceNeeded(self._choose_message())
            place_id = self.places[0].id
        place = self.place_for(place_id)
        if place is None:
            raise PlaceDisagrees(self._disagree_message(place_id))
        if not neighbourhood_id:
            return PlaceChoice(place, None)
        neighbourhood = next((n for n in place.neighbourhoods if n.id == neighbourhood_id), None)
        if neighbourhood is None:
            raise NeighbourhoodNotInPlace(
                gettext("Choose a neighbourhood in %(place)s, or choose Not sure", place=place.name)
            )
        return PlaceChoice(place, neighbourhood)

    def _choose_message(self) -> str:
        if self.reaches_outside:
            return gettext(
                "Your postcode district %(district)s is partly in %(places)s and partly outside "
                "Lancashire and South Cumbria: choose where you live",
                district=self.outward_code,
                places=self.names,
            )
        return gettext(
            "Your postcode district %(district)s covers %(places)s: choose one",
            district=self.outward_code,
            places=self.names,
        )

    def _disagree_message(self, place_id: int) -> str:
        if self.needs_choice:
            return gettext(
                "Your postcode %(postcode)s is in %(places)s: choose one of them",
                postcode=self.postcode,
                places=self.names,
            )
        return gettext(
            "Your postcode %(postcode)s is in %(places)s: check your postcode",
            postcode=self.postcode,
            places=self.names,
        )


def place_for_postcode(session: Session, text: str) -> PostcodePlaces:
    """Where a postcode (as typed) puts someone in the ICB area.

    Raises BadPostcode (not a postcode that can exist), OutsideArea (a real postcode outside
    Lancashire and South Cumbria, or one of the table's districts that covers no place) or
    UnknownDistrict (a district of the ICB's own postcode areas that the table does not list).
    """
    try:
        postcode = normalise_postcode(text)
    except InvalidPostcode:
        raise BadPostcode(text) from None
    code = outward_code(postcode)
    row = session.get(PostcodeDistrict, code)
    if row is None:
        if postcode_area(code) in ICB_POSTCODE_AREAS:
            raise UnknownDistrict(postcode)
        raise OutsideArea(postcode)
    if not row.places:
        raise OutsideArea(postcode)
    places = sorted(row.places, key=lambda place: (place.id != row.place_id, place.name))
    return PostcodePlaces(postcode, code, tuple(places), row.reaches_outside, row.place)
