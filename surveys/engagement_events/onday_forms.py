"""Forms for the day of an event: a walk-in, the notes and outputs summary, and a finding."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace
from surveys.engagement_events.outputs import FindingFields
from surveys.engagement_events.walk_ins import WalkInFields
from surveys.insights.vocabulary import GROUPS, TOPICS

LONG = 10_000


class WalkInForm(PanelForm):
    """Someone who came without booking."""

    first_name = StringField(
        "First name",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter their first name"), Length(max=80)],
    )
    last_name = StringField(
        "Last name",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter their last name"), Length(max=80)],
    )
    join_panel = BooleanField(
        "They agree to join the citizens' panel",
        description="Only tick this if they said yes. They get an email to confirm, as anyone "
        "joining does, and are a member once they confirm",
    )
    email = EmailField(
        "Email address (to join)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=254)],
    )
    postcode = StringField(
        "Postcode (to join)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=10)],
    )

    def values(self) -> WalkInFields:
        """The form's values for the walk-in service."""
        return WalkInFields(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            join_panel=bool(self.join_panel.data),
            email=self.email.data or "",
            postcode=self.postcode.data or "",
        )


class SummaryForm(PanelForm):
    """What happened at the event."""

    summary = TextAreaField(
        "Summary",
        description="What happened, who took part and what was discussed",
        filters=[strip_whitespace],
        validators=[InputRequired("Write a summary of what happened"), Length(max=LONG)],
    )


class FindingForm(PanelForm):
    """A finding from the event, for the insight library."""

    title = StringField(
        "Finding",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the finding's title"), Length(max=200)],
    )
    summary = TextAreaField(
        "What we heard",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what we heard"), Length(max=LONG)],
    )
    topics = MultiCheckboxField("Topics")
    groups = MultiCheckboxField("Groups we heard from")
    is_public = BooleanField(
        "It may appear on public pages",
        description='Small numbers are hidden; it can then be picked for "You said, we did"',
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = TOPICS
        self.groups.choices = GROUPS

    def values(self) -> FindingFields:
        """The form's values for the outputs service."""
        return FindingFields(
            title=self.title.data or "",
            summary=self.summary.data or "",
            topics=list(self.topics.data or []),
            groups=list(self.groups.data or []),
            is_public=bool(self.is_public.data),
        )
