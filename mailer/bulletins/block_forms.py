"""The block editor's forms: one form carrying every kind's fields (the page shows the kind's)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from mailer.bulletins.block_models import BlockKind
from mailer.bulletins.services.blocks import FIELDS
from panel.forms_common import PanelForm, strip_whitespace

KIND_CHOICES = [(kind.value, kind.label) for kind in BlockKind]
TEXT_HINT = (
    "Markdown: **bold**, *italic*, [link text](https://...). "
    'Link text should say where the link goes, not "click here".'
)


class AddBlockForm(PanelForm):
    """Which kind of block to add (sent by GET to the new block page)."""

    class Meta:
        csrf = False

    kind = SelectField("Type of block", choices=KIND_CHOICES, validate_choice=True)


class BlockForm(PanelForm):
    """A block's fields; the view keeps only its kind's (services.blocks.FIELDS)."""

    text = StringField("Heading", filters=[strip_whitespace], validators=[Length(max=150)])
    title = StringField("Event name", filters=[strip_whitespace], validators=[Length(max=150)])
    when = StringField("Date and time", filters=[strip_whitespace], validators=[Length(max=150)])
    where = StringField("Place", filters=[strip_whitespace], validators=[Length(max=200)])
    body = TextAreaField("Text", description=TEXT_HINT, validators=[Length(max=20000)])
    alt = StringField("Alt text", filters=[strip_whitespace], validators=[Length(max=250)])
    caption = StringField("Caption", filters=[strip_whitespace], validators=[Length(max=250)])
    url = StringField("Web address", filters=[strip_whitespace], validators=[Length(max=500)])
    label = StringField("Button text", filters=[strip_whitespace], validators=[Length(max=80)])
    survey_id = SelectField("Survey", validate_choice=False)
    decision_id = SelectField("You said, we did", validate_choice=False)
    image = FileField("Image (PNG or JPEG, up to 5 MB)")
    #: an image already uploaded with this form, so a field error elsewhere loses nothing.
    image_sha = HiddenField()

    def for_kind(self, kind: BlockKind) -> list:
        """The kind's fields in order, labelled for it."""
        fields = []
        for name, label, _required, _longest in FIELDS[kind]:
            field = self._fields[name]
            field.label.text = label
            fields.append(field)
        return fields

    def values(self, kind: BlockKind) -> dict:
        """What was typed into the kind's fields."""
        return {name: self._fields[name].data for name, *_ in FIELDS[kind]}


class ReuseNameForm(PanelForm):
    """The name a saved block or template is found by."""

    name = StringField(
        "Name",
        description="For example “Join the panel button” or “Monthly news”.",
        filters=[strip_whitespace],
        validators=[Length(max=150)],
    )


class PickSavedForm(PanelForm):
    """A saved block to add, or a template to start from."""

    choice = SelectField("Saved block", validate_choice=True, coerce=str)
