"""Form pieces shared by every blueprint."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as NHS.UK checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # An unknown value is a tampered form: say so next to the field rather than crash.
        values = {str(value) for value, *_ in self.iter_choices()}
        for item in self.data or []:
            if str(item) not in values:
                raise ValidationError("Choose from the options shown")


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons that POST."""

    def submit_requested(self, name: str) -> bool:
        """True when the button called ``name`` sent this POST (pages with several forms)."""
        return request.method == "POST" and name in request.form
