"""The forms the communications team manages partner organisations with."""

from __future__ import annotations

from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from panel.forms_common import (
    MultiCheckboxField,
    PanelForm,
    single_line_filter,
    strip_whitespace,
)


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


class ReportForm(PanelForm):
    """A partner's insight report: what they heard, from whom, where, and up to 3 files."""

    title = StringField(
        "Title",
        filters=[strip_whitespace, single_line_filter],
        validators=[
            DataRequired("Enter the report's title"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "Summary of what you heard",
        description="In plain words. Do not include anyone's name or contact details.",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Say what you heard"),
            Length(max=10_000, message="The summary must be 10,000 characters or fewer"),
        ],
    )
    groups = MultiCheckboxField("Groups you heard from", choices=[])
    place_id = SelectField("Place", coerce=int, choices=[], default=0)
    attachments = MultipleFileField("Files (up to 3 PDF, PNG or JPEG files, each up to 5 MB)")
