"""Forms for fieldwork: open links, an open-link respondent's resume link, and staff entering
answers gathered on paper or by phone."""

from __future__ import annotations

from wtforms import EmailField, RadioField, StringField, ValidationError
from wtforms.validators import Email, InputRequired, Length

from panel.forms_common import PanelForm, strip_whitespace
from panel.i18n import lazy_gettext as _l
from surveys.fieldwork.entry import STAFF_CHANNELS
from surveys.fieldwork.models import CHANNEL_LABELS
from surveys.fieldwork.paper import MAX_COPIES


class OpenLinkForm(PanelForm):
    """Make an open link: where it will be shared."""

    source = StringField(
        "Where will this link be shared",
        description="For example: Healthwatch Lancashire, or Blackburn community event.",
        filters=[strip_whitespace],
        validators=[InputRequired("Say where the link will be shared"), Length(max=120)],
    )


class ResumeLinkForm(PanelForm):
    """An open-link respondent asks for a link to come back to their answers."""

    email = EmailField(
        _l("Email address"),
        description=_l(
            "We use it only to send you the link. We keep that email for 30 days after "
            "sending, then delete your address and the link. It does not add you to the panel."
        ),
        filters=[strip_whitespace],
        validators=[
            InputRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(_l("Enter an email address like name@example.com"), check_deliverability=False),
        ],
    )


class EntryForm(PanelForm):
    """Start entering a response gathered offline: how, and for paper the copy's reference."""

    channel = RadioField(
        "How were these answers gathered?",
        choices=[(channel.value, CHANNEL_LABELS[channel]) for channel in STAFF_CHANNELS],
        validators=[InputRequired("Choose how the answers were gathered")],
        validate_choice=False,  # the service refuses anything else, with the same message
    )
    reference = StringField(
        "Paper copy reference (paper copies only)",
        description="Printed at the top of each page of the copy, like 7KQ2-M9XD.",
        filters=[strip_whitespace],
        validators=[Length(max=40, message="A reference is 8 letters and numbers")],
    )


class PaperCopiesForm(PanelForm):
    """Make paper copies of a survey, each with its own reference."""

    how_many = StringField(
        "How many copies",
        description=f"Up to {MAX_COPIES} at a time.",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter how many copies to make")],
    )

    def validate_how_many(self, field):
        text = field.data or ""
        if not text.isdigit() or not 1 <= int(text) <= MAX_COPIES:
            raise ValidationError(f"Enter a whole number from 1 to {MAX_COPIES}, like 50")
