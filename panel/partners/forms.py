"""The forms the communications team manages partner organisations with."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from panel.forms_common import PanelForm, single_line_filter, strip_whitespace


class OrganisationForm(PanelForm):
    """Add a partner organisation: its name and, optionally, the place it works in."""

    name = StringField(
        "Organisation name",
        description="For example, Healthwatch Blackpool",
        filters=[strip_whitespace, single_line_filter],
        validators=[
            DataRequired("Enter the organisation's name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    place_id = SelectField("Place it works in", coerce=int, choices=[], default=0)


class LinkSourceForm(PanelForm):
    """Give one of the recruitment sources (sign-up links) to the organisation."""

    source_id = SelectField("Sign-up link", coerce=int, choices=[])
