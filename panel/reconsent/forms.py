"""The forms of re-consent: planning a campaign, and a member's answer."""

from __future__ import annotations

from wtforms import DateField, RadioField
from wtforms.validators import InputRequired

from panel.forms_common import PanelForm
from panel.i18n import lazy_gettext as _l


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
        _l("Do you agree?"),
        choices=[
            ("confirm", _l("Yes, I agree")),
            ("decline", _l("No: delete my equality monitoring answers")),
        ],
        validators=[InputRequired(_l("Choose yes or no"))],
    )
