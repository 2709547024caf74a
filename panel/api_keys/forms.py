"""The form the communications team issues an API key with."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from panel.api_keys.models import SCOPE_LABELS
from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace


class ApiKeyForm(PanelForm):
    """Issue a key: organisation, purpose, scopes, an optional place, an expiry date."""

    organisation = StringField(
        "Partner organisation",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the partner organisation"), Length(max=120)],
    )
    name = StringField(
        "What the key is for",
        description="For example, Healthwatch Blackpool website",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter what the key is for"), Length(max=120)],
    )
    scopes = MultiCheckboxField(
        "What the key may do",
        choices=[(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        validators=[InputRequired("Choose at least one thing the key may do")],
    )
    place_id = SelectField(
        "Place",
        description="A key for one place reads only that place's results",
        validate_choice=True,
    )
    expires_on = DateField(
        "Stops working on",
        description="Within a year. For example, 2027-03-31",
        validators=[InputRequired("Enter the date the key stops working, like 2027-03-31")],
    )
