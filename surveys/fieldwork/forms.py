"""Forms for fieldwork: open links, and an open-link respondent's resume link."""

from __future__ import annotations

from wtforms import EmailField, StringField
from wtforms.validators import Email, InputRequired, Length

from panel.forms_common import PanelForm, strip_whitespace
from panel.i18n import lazy_gettext as _l


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
