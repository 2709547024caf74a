"""The form for a survey email's subject and body (checked by surveys.emails.wording)."""

from __future__ import annotations

from wtforms import StringField, TextAreaField

from panel.forms_common import PanelForm


class EmailWordingForm(PanelForm):
    """A survey email's subject line and message."""

    subject = StringField("Subject line")
    body = TextAreaField("Message")
