"""Forms for editing the geography."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace


class PlaceNameForm(PanelForm):
    """Rename a place."""

    name = StringField(
        "Place name",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a name for the place"),
            Length(max=120, message="Place name must be 120 characters or fewer"),
        ],
    )


class PostcodeDistrictForm(PanelForm):
    """Which places and neighbourhoods a postcode district covers."""

    # Whether the answers fit together is decided by services.update_postcode_district.
    place_ids = MultiCheckboxField(
        "Places this postcode district covers",
        coerce=int,
        choices=[],
        description="Residents with this postcode choose among these places when there is more "
        "than one, or when part of the district is outside the ICB area.",
    )
    main_place_id = SelectField("Place it suggests first", coerce=int, choices=[])
    reaches_outside = BooleanField("Part of this postcode district is outside the ICB area")
