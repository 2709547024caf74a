"""Forms for segments, the contact caps and fair selection."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace
from panel.segments.services.quotas import SELECTION_FEATURES, Characteristic
from panel.segments.targets import target_share_problem


class SegmentForm(PanelForm):
    """A segment's name and owner."""

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
    """Choose the field of a new condition."""

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
    """The contact rules: how many invitations a member may get in how many days."""

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


class GroupCapForm(PanelForm):
    """A stricter cap for one group; ``group`` choices are set by the view."""

    group = SelectField("Group", choices=[], validate_choice=False)
    max_invitations = IntegerField(
        "Most survey invitations a member of this group may get",
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
    reason = StringField(
        "Why this group has its own cap (optional)",
        filters=[strip_whitespace],
        validators=[Length(max=300, message="300 characters or fewer")],
    )


class SelectionForm(PanelForm):
    """How many, matched on what, to whose population, with which seed; the target share boxes
    are added per characteristic by ``selection_form``."""

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
    population = SelectField(
        "Whose population should the group match?", coerce=int, choices=[], default=0
    )
    seed = IntegerField(
        "Random seed (the same seed gives the same selection)",
        validators=[
            InputRequired("Enter a seed"),
            NumberRange(min=0, max=2**31 - 1, message="Enter a whole number from 0 to 2147483647"),
        ],
    )
    accept_shortfall = BooleanField(
        "Select anyway where the pool is short: aim for everyone it has in those groups and share "
        "the other places among the other groups"
    )
    widen_by = IntegerField(
        "If no group meets every quota at once, widen each quota by up to this many people "
        "either side",
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=500, message="Enter a number from 0 to 500"),
        ],
    )

    #: (characteristic, its share fields) for each characteristic the user may match on.
    share_groups: list[tuple[Characteristic, list[Field]]]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for characteristic, fields in self.share_groups:
            if all(f.data is None for f in fields) or any(f.errors for f in fields):
                valid = valid and not any(f.errors for f in fields)
                continue
            first = fields[0]
            if characteristic.key not in (self.features.data or []):
                first.errors.append(
                    f"You set targets for {characteristic.label.lower()}: tick it under “Match "
                    "the population on”, or clear these boxes"
                )
            problem = target_share_problem(
                {
                    code: f.data or Decimal(0)
                    for (code, _), f in zip(characteristic.categories, fields, strict=True)
                }
            )
            if problem:
                first.errors.append(f"Targets for {characteristic.label.lower()}: {problem}")
            valid = valid and not first.errors
        return valid

    def plan_options(self) -> dict:
        """The keyword arguments of quotas.plan_selection this form gives."""
        return {
            "number_wanted": self.number_wanted.data,
            "features": self.features.data,
            "population_place_id": self.population.data if self.population is not None else None,
            "target_shares": self.target_shares(),
        }

    def selection_options(self) -> dict:
        """The keyword arguments of fair_selection.run_fair_selection this form gives."""
        return {
            **self.plan_options(),
            "seed": self.seed.data,
            "accept_shortfall": self.accept_shortfall.data,
            "widen_by": self.widen_by.data or 0,
        }

    def target_shares(self) -> dict[str, dict[str, Decimal]]:
        """{characteristic: {category: percentage}} for each characteristic given targets."""
        return {
            characteristic.key: {
                code: f.data or Decimal(0)
                for (code, _), f in zip(characteristic.categories, fields, strict=True)
            }
            for characteristic, fields in self.share_groups
            if any(f.data is not None for f in fields)
        }


def share_field_name(key: str, index: int) -> str:
    """The form field name of a target share for one value of a characteristic."""
    return f"share-{key}-{index}"


def selection_form(
    characteristics: list[Characteristic], population: list[tuple[int, str]] | None, **kwargs
) -> SelectionForm:
    """A SelectionForm for these characteristics (the ones the user may match on), with a target
    share box for each of their categories, and the population choice (None: no choice)."""

    class Form(SelectionForm):
        pass

    for characteristic in characteristics:
        for index, (_code, label) in enumerate(characteristic.categories):
            setattr(
                Form,
                share_field_name(characteristic.key, index),
                DecimalField(
                    label,
                    validators=[
                        Optional(),
                        NumberRange(min=0, max=100, message="Enter a share from 0 to 100"),
                    ],
                ),
            )
    form = Form(**kwargs)
    form.features.choices = [(c.key, c.label) for c in characteristics]
    if population is None:
        del form.population
    else:
        form.population.choices = population
    form.share_groups = [
        (
            characteristic,
            [
                form[share_field_name(characteristic.key, index)]
                for index in range(len(characteristic.categories))
            ],
        )
        for characteristic in characteristics
    ]
    return form
