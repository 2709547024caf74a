"""Forms for segments, the contact caps and fair selection."""

from __future__ import annotations

from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace


class SegmentForm(PanelForm):
    name = StringField(
        "Segment name",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a name for the segment"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "What is this segment for? (optional)",
        filters=[strip_whitespace],
        validators=[Length(max=500, message="500 characters or fewer")],
    )
    place_id = SelectField("Whose segment is it?", coerce=int, choices=[])


class ChooseFieldForm(PanelForm):
    field = SelectField(
        "Add a condition on",
        choices=[],
        validators=[InputRequired("Choose what the condition is about")],
    )


class ConditionForm(PanelForm):
    """One condition; which inputs count depends on the field's kind."""

    negate = RadioField("Members who", choices=[("", "match"), ("y", "do not match")], default="")
    values = MultiCheckboxField("Values", choices=[])
    after = DateField("Joined on or after", validators=[Optional()])
    before = DateField("Joined on or before", validators=[Optional()])
    months = IntegerField(
        "In the last how many months?",
        validators=[
            Optional(),
            NumberRange(min=1, max=120, message="Enter a number from 1 to 120"),
        ],
    )


class ContactRulesForm(PanelForm):
    max_invitations = IntegerField(
        "Most survey invitations a member may get",
        validators=[
            InputRequired("Enter a number"),
            NumberRange(min=1, max=20, message="Enter a number from 1 to 20"),
        ],
    )
    window_days = IntegerField(
        "In any period of this many days",
        validators=[
            InputRequired("Enter a number of days"),
            NumberRange(min=1, max=365, message="Enter a number from 1 to 365"),
        ],
    )


SELECTION_FEATURES = [
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    ("disability", "Disability"),
    ("place", "Place"),
]


class SelectionForm(PanelForm):
    number_wanted = IntegerField(
        "How many people do you need?",
        validators=[
            InputRequired("Enter how many people you need"),
            NumberRange(min=1, max=500, message="Enter a number from 1 to 500"),
        ],
    )
    features = MultiCheckboxField(
        "Match the population on",
        choices=SELECTION_FEATURES,
        validators=[DataRequired("Choose at least one characteristic")],
    )
    seed = IntegerField(
        "Random seed (the same seed gives the same selection)",
        validators=[
            InputRequired("Enter a seed"),
            NumberRange(min=0, max=2**31 - 1, message="Enter a whole number from 0 to 2147483647"),
        ],
    )
