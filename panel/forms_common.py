"""Form pieces shared by every blueprint."""

from __future__ import annotations

import math
from decimal import Decimal

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FloatField,
    Form,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.meta import DefaultMeta
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from panel.input_cleaning import single_line

#: the range of the databases' integer columns (PostgreSQL's integer): a larger number typed into
#: a form is a field error, never a database error.
SMALLEST_INTEGER, LARGEST_INTEGER = -(2**31), 2**31 - 1
#: lengths for text fields that do not set their own (the columns are at least this long).
DEFAULT_MAX_LENGTH = {"single_line": 200, "multi_line": 20_000}


class PanelForm(FlaskForm):
    """The base of every form: one-line fields on one line, and every text and number field
    bounded, so that no value a browser can send reaches the database unchecked. (Control
    characters were already removed from the request: panel.input_cleaning.)"""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            return _bound(super().bind_field(form, unbound_field, options))


class QueryForm(Form):
    """The base of forms sent by GET (filters, searches): no CSRF token, the same bounds, and
    nothing to check (so no error to show) until the query string carries one of its fields."""

    class Meta(DefaultMeta):
        def bind_field(self, form, unbound_field, options):
            return _bound(super().bind_field(form, unbound_field, options))

    #: the names of this form's fields that the query string carried.
    sent: frozenset[str] = frozenset()

    @property
    def submitted(self) -> bool:
        """Whether the query string carried any of this form's fields."""
        return bool(self.sent)

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Read the query string, noting which of this form's fields it sent."""
        names = {field.name for field in self}
        self.sent = frozenset(names & set(formdata or ()))
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        """Check the fields sent: one left out of the query string (a link that sets only some
        filters, or a page's first load) is empty, not wrong."""
        if not self.submitted:
            return True
        super().validate(extra_validators)
        for field in self:
            if field.name not in self.sent:
                field.errors = []
        return not any(field.errors for field in self)


def _bound(field):
    kinds = {type(v) for v in field.validators}
    if isinstance(field, StringField):
        # InputRequired is met by "   ", which a whitespace filter then turns into nothing.
        field.validators = [
            DataRequired(v.message) if isinstance(v, InputRequired) else v for v in field.validators
        ]
        multi_line = isinstance(field, TextAreaField)
        if not multi_line:
            field.filters = (single_line_filter, *field.filters)
        if Length not in kinds:
            limit = DEFAULT_MAX_LENGTH["multi_line" if multi_line else "single_line"]
            message = f"Enter {limit:,} characters or fewer"
            field.validators = [*field.validators, Length(max=limit, message=message)]
    elif isinstance(field, IntegerField | DecimalField | FloatField):
        # NaN and the infinities parse as numbers but compare as nothing (a Decimal NaN raises
        # in NumberRange), so they are turned away before any range check.
        field.validators = [finite_number, *field.validators]
        if NumberRange not in kinds:
            field.validators = [*field.validators, within_database_range]
    elif isinstance(field, SelectFieldBase):
        # Optional() takes "   " for empty and wipes the "Not a valid choice" error, leaving the
        # spaces as the field's value; for a choice, only nothing at all is empty.
        field.validators = [
            Optional(strip_whitespace=False) if isinstance(v, Optional) else v
            for v in field.validators
        ]
    return field


def finite_number(form, field) -> None:
    """A number, not NaN or an infinity (an empty field is left to the field's own rules)."""
    data = field.data
    if isinstance(data, Decimal) and not data.is_finite():
        raise StopValidation("Enter a number")
    if isinstance(data, float) and not math.isfinite(data):
        raise StopValidation("Enter a number")


def within_database_range(form, field) -> None:
    """A number the database can store (an empty field is left to the field's own rules)."""
    if field.data is not None and not SMALLEST_INTEGER <= field.data <= LARGEST_INTEGER:
        raise ValidationError("Enter a smaller number")


def single_line_filter(value):
    """A form filter: strings made single-line and cleaned; other values unchanged."""
    return single_line(value) if isinstance(value, str) else value


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
    """A form filter: strings trimmed; other values unchanged."""
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(PanelForm):
    """A form with nothing but the CSRF token, for buttons that POST."""

    def submit_requested(self, name: str) -> bool:
        """True when the button called ``name`` sent this POST (pages with several forms)."""
        return request.method == "POST" and name in request.form


#: more pages than any list here will have; a larger number asked for shows an empty last page.
MAX_PAGE_NUMBER = 100_000


def requested_page() -> int:
    """The page of a list asked for in the query string: 1 when missing or odd, and never a
    number whose offset a database cannot hold."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE_NUMBER)


def requested_id(name: str) -> int | None:
    """A record's id from the query string: None when missing, not a number, or outside what a
    database id column holds (so a lookup answers 404 rather than overflowing the driver)."""
    value = request.args.get(name, type=int)
    if value is None or not 1 <= value <= LARGEST_INTEGER:
        return None
    return value


def show_field_error(form, error, fallback: str | None = None) -> bool:
    """Put a service's error next to the field it names (error.field), or next to `fallback`
    when it names none or one this form does not have.

    Returns False when neither is on the form, so the caller can show the message at the top
    of the page instead; the message is never inspected to choose a field.
    """
    for name in (getattr(error, "field", None), fallback):
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, str(error)]
            return True
    return False
