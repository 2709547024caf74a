"""Forms of the annual report page: the financial year (a GET form) and the draft's text."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from panel.forms_common import PanelForm, QueryForm
from surveys.annual_report.drafting import MAX_DRAFT


class YearForm(QueryForm):
    """Which financial year."""

    year = StringField(
        "Financial year",
        description="1 April to 31 March, for example 2025/26",
        validators=[Optional(), Length(max=20, message="Enter a financial year like 2025/26")],
    )


class DraftForm(PanelForm):
    """The draft's text, as staff edited it."""

    body = TextAreaField(
        "The section (Markdown: ## for headings, - for lists, [text](address) for links)",
        validators=[Length(max=MAX_DRAFT, message=f"Enter {MAX_DRAFT:,} characters or fewer")],
    )
