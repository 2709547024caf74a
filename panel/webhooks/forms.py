"""The form the communications team adds a webhook endpoint with."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace
from panel.webhooks.models import EVENT_LABELS


class EndpointForm(PanelForm):
    """Add an endpoint: organisation, purpose, address, contact, events, an optional place."""

    organisation = StringField(
        "Partner organisation",
        description="As on its API keys, for example Healthwatch Blackpool",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the partner organisation"), Length(max=120)],
    )
    name = StringField(
        "What the endpoint is for",
        description="For example, update our website when results are published",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter what the endpoint is for"), Length(max=120)],
    )
    url = StringField(
        "Address events are sent to",
        description="Starting https://, for example https://example.org/webhooks/panel",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the address events are sent to"), Length(max=500)],
    )
    contact_email = EmailField(
        "Contact email address",
        description="Told if the endpoint is disabled after failing",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a contact email address"), Length(max=254)],
    )
    event_types = MultiCheckboxField(
        "Events to send",
        choices=[(kind.value, label) for kind, label in EVENT_LABELS.items()],
        validators=[InputRequired("Choose at least one event to send")],
    )
    place_id = SelectField(
        "Place",
        description="An endpoint for one place is sent that place's events and ICB-wide ones",
        validate_choice=True,
    )
