"""The forms of re-consent: planning a campaign, and a member's answer."""

from __future__ import annotations

from wtforms import DateField, RadioField
from wtforms.validators import InputRequired

from panel.forms_common import PanelForm


class CampaignForm(PanelForm):
    """Plan a campaign: the last day members can answer."""

    deadline = DateField(
        "Last day members can answer",
        description="At least 14 days from today. For example, 2027-02-28",
        validators=[InputRequired("Enter the last day members can answer, like 2027-02-28")],
    )


class AnswerForm(PanelForm):
    """A member's answer: confirm, or decline (their equality answers are deleted)."""

    answer = RadioField(
        "Do you agree?",
        choices=[
            ("confirm", "Yes, I agree"),
            ("decline", "No: delete my equality monitoring answers"),
        ],
        validators=[InputRequired("Choose yes or no")],
    )
