"""Places (since 2023: four), their local authority districts, neighbourhoods and outward codes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base


class Place(Base):
    """A place-based partnership (e.g. Blackpool); its name is editable by the comms team."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable identifier used by data files and imports; the name may change, the code does not.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Census 2021 usual residents.
    population: Mapped[int | None]

    districts: Mapped[list[District]] = relationship(
        back_populates="place", order_by="District.name"
    )
    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        back_populates="place", order_by="Neighbourhood.name"
    )

    def __repr__(self) -> str:
        return f"<Place {self.code}>"


class District(Base):
    """A local authority district (Census 2021 geography) within one place."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ONS LAD 2021 code, e.g. E06000009.
    lad_code: Mapped[str] = mapped_column(sa.String(9), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id"), index=True)
    #: the 2018 integrated care partnership, kept because older reports use it.
    icp_2018: Mapped[str | None] = mapped_column(sa.String(120))

    place: Mapped[Place] = relationship(back_populates="districts")

    def __repr__(self) -> str:
        return f"<District {self.lad_code}>"


class Neighbourhood(Base):
    """A neighbourhood (primary care network) within a place."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (sa.UniqueConstraint("place_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id"), index=True)
    #: NHS ODS code of the PCN where known.
    ods_code: Mapped[str | None] = mapped_column(sa.String(10))

    place: Mapped[Place] = relationship(back_populates="neighbourhoods")

    def __repr__(self) -> str:
        return f"<Neighbourhood {self.id} {self.name!r}>"


#: every place of the ICB a postcode district covers, at least in part.
postcode_district_places = sa.Table(
    "postcode_district_places",
    Base.metadata,
    sa.Column(
        "outward_code",
        sa.String(4),
        sa.ForeignKey("postcode_districts.outward_code", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("place_id", sa.ForeignKey("places.id"), primary_key=True, index=True),
)


class PostcodeDistrict(Base):
    """An outward code (e.g. FY1), the places of the ICB it covers and whether it reaches beyond.

    Which places a resident may choose follows from ``places`` and ``reaches_outside`` alone
    (panel.places.services.place_for_postcode); ``in_icb`` and ``straddles`` are read from them,
    so they can never disagree with what a resident is offered.
    """

    __tablename__ = "postcode_districts"

    outward_code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    #: the place most of the district is in, offered first; None when most of it is outside the
    #: ICB or no one place has most of it. Always one of ``places``.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"))
    #: some of the district lies outside the ICB area (all of it when ``places`` is empty).
    reaches_outside: Mapped[bool] = mapped_column(default=False)
    post_town: Mapped[str | None] = mapped_column(sa.String(60))

    district: Mapped[District | None] = relationship()
    place: Mapped[Place | None] = relationship()
    places: Mapped[list[Place]] = relationship(
        secondary=postcode_district_places, order_by="Place.name"
    )

    @property
    def in_icb(self) -> bool:
        """At least part of the district is in the ICB area."""
        return bool(self.places)

    @property
    def straddles(self) -> bool:
        """The district is shared by places, or crosses the ICB boundary: residents choose."""
        return len(self.places) > 1 or (self.in_icb and self.reaches_outside)

    def __repr__(self) -> str:
        return f"<PostcodeDistrict {self.outward_code}>"


class PopulationFigure(Base):
    """Census 2021 usual residents of a place in one category, loaded from a data file."""

    __tablename__ = "population_figures"
    __table_args__ = (sa.UniqueConstraint("place_id", "dimension", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id"))
    #: age_band, sex, ethnic_group (five Census groups) or disability.
    dimension: Mapped[str] = mapped_column(sa.String(30))
    category: Mapped[str] = mapped_column(sa.String(30))
    population: Mapped[int]
    #: caveats, e.g. a district whose counts were estimated from percentages.
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    source: Mapped[str] = mapped_column(sa.String(300))

    place: Mapped[Place] = relationship()

    def __repr__(self) -> str:
        return f"<PopulationFigure {self.dimension}:{self.category}>"
