"""Forms for involvement payments: a dated rate, making the claims, a claim's choice and
benefits advice, an expense item with its receipt, and approval or rejection."""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from panel.forms_common import PanelForm, strip_whitespace
from surveys.engagement_events.payment_models import ExpenseKind, PaymentChoice, RateKind
from surveys.forms import DayField

_POUNDS = re.compile(r"£?\s*(\d{1,6})(?:\.(\d{1,2}))?")
#: more than any involvement payment or expense (a typing slip, not a claim).
MAX_PENCE = 100_000_00


def pounds_to_pence(text: str) -> int | None:
    """'12.5' or '£12.50' -> 1250; None for anything that is not an amount of money."""
    match = _POUNDS.fullmatch((text or "").strip())
    if match is None:
        return None
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))


def money(message: str):
    """A validator: an amount in pounds and pence (an empty field is left to the others)."""

    def check(form, field) -> None:
        if field.data and pounds_to_pence(field.data) is None:
            raise ValidationError(message)
        if field.data and pounds_to_pence(field.data) > MAX_PENCE:
            raise ValidationError("Enter an amount of £100,000 or less")

    return check


class RateForm(PanelForm):
    """A rate from a date."""

    kind = RadioField(
        "What the rate pays for",
        choices=[(kind.value, kind.label) for kind in RateKind],
        validators=[InputRequired("Choose what the rate pays for")],
    )
    amount = StringField(
        "Amount in pounds",
        description="Per session, or per mile for mileage; for example 27.50 or 0.45",
        filters=[strip_whitespace],
        validators=[
            InputRequired("Enter the amount, like 27.50"),
            Length(max=12),
            money("Enter the amount in pounds and pence, like 27.50"),
        ],
    )
    effective_from = DayField(
        "In force from", validators=[InputRequired("Enter the date the rate starts")]
    )


class CreateClaimsForm(PanelForm):
    """Make the claims for everyone marked attended."""

    cost_centre = StringField(
        "Cost centre",
        description="The finance code the payments are charged to",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the cost centre"), Length(max=40)],
    )


class ChoiceForm(PanelForm):
    """What the person chose, and whether benefits advice was offered."""

    choice = RadioField(
        "What did they choose?",
        choices=[(choice.value, choice.label) for choice in PaymentChoice],
        validators=[InputRequired("Choose payment, voucher or declined")],
    )
    benefits_advice = RadioField(
        "Was benefits advice offered?",
        description="People on benefits may need to decline payment or take a voucher",
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired("Say whether benefits advice was offered")],
    )


class ExpenseForm(PanelForm):
    """One expense: miles for mileage, otherwise the amount and its receipt."""

    kind = SelectField(
        "Type of expense",
        choices=[(kind.value, kind.label) for kind in ExpenseKind],
        validate_choice=True,
    )
    description = StringField(
        "Details (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200)],
    )
    miles = IntegerField(
        "Miles (mileage only)",
        validators=[Optional(), NumberRange(min=1, max=2000, message="Enter 1 to 2,000 miles")],
    )
    amount = StringField(
        "Amount in pounds (fares, parking and other)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=12), money("Enter the amount, like 4.20")],
    )
    receipt = FileField("Receipt (PDF, PNG or JPEG, up to 5 MB)")


class RejectForm(PanelForm):
    """Why a claim goes back."""

    note = TextAreaField(
        "Why is it rejected?",
        filters=[strip_whitespace],
        validators=[InputRequired("Say why the claim is rejected"), Length(max=500)],
    )
