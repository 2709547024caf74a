"""Choices the results pages offer: places and neighbourhoods the user may see, the survey's
sources, and the breakdowns."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import Session

from panel.auth.access import visible_place_ids
from panel.places.models import Neighbourhood, Place
from panel.segments.services.special_category import (
    SPECIAL_CATEGORY_FIELDS,
    may_use_special_category,
)
from surveys.models import Survey
from surveys.results import figures


def filter_choices(session: Session, survey: Survey):
    """The place and neighbourhood choices for the results filter, within the user's places."""
    place_ids = visible_place_ids(current_user)
    places = sa.select(Place).order_by(Place.name)
    neighbourhoods = sa.select(Neighbourhood).order_by(Neighbourhood.name)
    if survey.place_id is not None:
        places = places.where(Place.id == survey.place_id)
        neighbourhoods = neighbourhoods.where(Neighbourhood.place_id == survey.place_id)
    elif place_ids is not None:
        places = places.where(Place.id.in_(sorted(place_ids)))
        neighbourhoods = neighbourhoods.where(Neighbourhood.place_id.in_(sorted(place_ids)))
    # Special category fields are the communications team's only (panel.segments rule): a
    # place team filtering or breaking results down by them could single people out.
    dimensions = {
        key: dimension
        for key, dimension in figures.dimensions(session).items()
        if may_use_special_category(current_user) or key not in SPECIAL_CATEGORY_FIELDS
    }
    return (
        list(session.scalars(places)),
        list(session.scalars(neighbourhoods)),
        figures.sources(session, survey),
        dimensions,
    )
