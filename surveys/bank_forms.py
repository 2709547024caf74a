"""Forms of the question bank: the search (read from the query string) and adding a question."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from panel.forms_common import PanelForm, QueryForm, strip_whitespace
from surveys.content import TYPE_LABELS


class BankSearchForm(QueryForm):
    """Search the question bank; an unknown choice is a message next to it, never an error."""

    q = StringField(
        "Words in the question or its answers",
        filters=[strip_whitespace],
        validators=[Length(max=200, message="Use 200 characters or fewer")],
    )
    survey = SelectField("From the survey", validate_choice=True)
    type = SelectField(
        "Type of question",
        choices=[("", "Any type"), *TYPE_LABELS.items()],
        validate_choice=True,
    )
    page = HiddenField()


class BankAddForm(PanelForm):
    """Copy one question of an earlier survey into this one."""

    source = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
    key = StringField(validators=[InputRequired(), Length(max=60)])
    page = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=1000)])
