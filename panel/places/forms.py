"""Forms for editing the geography."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from panel.forms_common import PanelForm, strip_whitespace


class PlaceNameForm(PanelForm):
    name = StringField(
        "Place name",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a name for the place"),
            Length(max=120, message="Place name must be 120 characters or fewer"),
        ],
    )


class PostcodeDistrictForm(PanelForm):
    place_id = SelectField("Place this postcode district suggests", coerce=int, choices=[])
    straddles = BooleanField(
        "Part of this postcode district is in another place or outside the ICB area"
    )
    in_icb = BooleanField("This postcode district is (at least partly) in the ICB area")
