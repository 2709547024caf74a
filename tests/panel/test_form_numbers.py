"""Every number field of a panel form turns away NaN and the infinities with a field error: they
parse as numbers but compare as nothing (a Decimal NaN even raises inside NumberRange)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, FloatField, IntegerField
from wtforms.validators import NumberRange, Optional

from panel.forms_common import PanelForm


class Numbers(PanelForm):
    share = DecimalField("Share", validators=[Optional(), NumberRange(min=0, max=100)])
    rate = FloatField("Rate", validators=[Optional(), NumberRange(min=0, max=1)])
    amount = DecimalField("Amount", validators=[Optional()])
    count = IntegerField("Count", validators=[Optional()])


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "-NaN", "Infinity", "-inf", "1e309"])
def test_nan_and_infinities_are_a_field_error_in_every_number_field(app, value):
    with app.test_request_context(method="POST"):
        form = Numbers(
            formdata=MultiDict({"share": value, "rate": value, "amount": value}),
            meta={"csrf": False},
        )
        assert not form.validate()
        for name in ("share", "rate", "amount"):
            assert form[name].errors, (name, value)


def test_ordinary_numbers_still_pass(app):
    with app.test_request_context(method="POST"):
        data = MultiDict({"share": "12.5", "rate": "0.25", "amount": "3", "count": "7"})
        form = Numbers(formdata=data, meta={"csrf": False})
        assert form.validate(), form.errors
