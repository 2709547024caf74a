"""Forms for the committee report: the period it covers (a GET form) and a meeting date."""

from __future__ import annotations

from wtforms.validators import InputRequired, Optional

from panel.forms_common import PanelForm, QueryForm
from surveys.forms import DayField


class PeriodForm(QueryForm):
    """The days the committee report covers (blank: since the last meeting, to today)."""

    start = DayField("From", validators=[Optional()])
    end = DayField("To", validators=[Optional()])


class MeetingForm(PanelForm):
    """A meeting of the committee."""

    held_on = DayField(
        "Date of the meeting", validators=[InputRequired("Enter the date of the meeting")]
    )
