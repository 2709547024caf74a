"""Bulletin forms: create, edit, items, audience, schedule, contributions and their review."""

from __future__ import annotations

from wtforms import (
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from mailer.bulletins.models import ItemKind
from panel.forms_common import PanelForm, strip_whitespace

MARKDOWN_HINT = (
    "Markdown: **bold**, [link text](https://...), ![describe the image](https://...). "
    'Link text should say where the link goes, not "click here".'
)
KIND_CHOICES = [(kind.value, kind.label) for kind in ItemKind]


def _survey_number(value) -> int:
    """A posted survey id; anything that is not one is "no survey" (the service then says what
    is missing), so a tampered value is a message next to the field, never a crash."""
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


class NewBulletinForm(PanelForm):
    """Start a bulletin: its title and which team owns it."""

    title = StringField(
        "Title (also the email subject)",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a title"), Length(max=150)],
    )
    place_id = SelectField("Who is it for", coerce=int)


class BulletinForm(PanelForm):
    """A bulletin's title and introduction."""

    title = StringField(
        "Title (also the email subject)",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a title"), Length(max=150)],
    )
    intro = TextAreaField("Introduction", description=MARKDOWN_HINT, validators=[Length(max=5000)])


class ItemForm(PanelForm):
    """One item of a bulletin: its type, heading, text and link."""

    kind = RadioField("Type of item", choices=KIND_CHOICES, default=ItemKind.NEWS.value)
    title = StringField(
        "Heading",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a heading"), Length(max=150)],
    )
    body = TextAreaField("Text", description=MARKDOWN_HINT, validators=[Length(max=10000)])
    link_url = StringField(
        "Link (optional)",
        description="For a survey invitation, put {token} where each person's own code goes.",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=500), URL(require_tld=False, message="Enter a link")],
    )
    link_text = StringField(
        "Link text", filters=[strip_whitespace], validators=[Optional(), Length(max=120)]
    )
    # The choices are the surveys the user may invite people to (set by the view); the service
    # refuses any other id, so the list is not what keeps a tampered form out.
    survey_id = SelectField(
        "Survey (survey invitations only)", coerce=_survey_number, validate_choice=False
    )


class ContributionForm(ItemForm):
    """An item any staff member suggests for the communications team to review."""


class ReviewForm(ItemForm):
    """The communications team's decision on a contributed item, with the item's fields."""

    decision = RadioField(
        "Decision",
        choices=[
            ("approve", "Approve for a later bulletin"),
            ("place", "Approve and add to the bulletin chosen below"),
            ("reject", "Reject"),
        ],
        validators=[InputRequired("Choose what to do with this item")],
    )
    bulletin_id = SelectField("Bulletin", coerce=int, validators=[Optional()])
    note = TextAreaField(
        "Note to the contributor (optional)", validators=[Optional(), Length(max=500)]
    )


class AudienceForm(PanelForm):
    """Who a bulletin goes to: the whole panel or a segment."""

    segment_id = RadioField("Who should get it", coerce=int)


class ScheduleForm(PanelForm):
    """When a bulletin goes: now or at a given local date and time."""

    when = RadioField(
        "When should it go",
        choices=[("now", "Send now"), ("later", "At a date and time")],
        validators=[InputRequired("Choose when to send")],
    )
    send_date = DateField("Date", validators=[Optional()])
    send_time = TimeField("Time (UK time)", validators=[Optional()])
    # Filled in only when the time is ambiguous; the resolver accepts nothing but 0 or 1.
    fold = RadioField("Which one", choices=[], validators=[Optional()], validate_choice=False)
