"""Forms for the decisions register: a decision, a link to involvement, a status change, and
the public index's filters (a GET form)."""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from panel.forms_common import PanelForm, QueryForm, strip_whitespace
from panel.i18n import lazy_choices
from panel.i18n import lazy_gettext as _l
from surveys.decisions.models import (
    BodyKind,
    DecisionStatus,
    LinkKind,
    LinkOutcome,
    OtherKind,
)
from surveys.decisions.register import DecisionFields, LinkFields
from surveys.forms import DayField

LONG = 10_000
BODY_CHOICES = [(kind.value, kind.label) for kind in BodyKind]
STATUS_CHOICES = [(status.value, status.label) for status in DecisionStatus]
OUTCOME_CHOICES = [(outcome.value, outcome.label) for outcome in LinkOutcome]
OTHER_CHOICES = [("", "Choose"), *[(kind.value, kind.label) for kind in OtherKind]]
LINK_KIND_CHOICES = [
    (LinkKind.SURVEY.value, "A survey"),
    (LinkKind.OTHER.value, "An event, focus group or partner insight report"),
    (LinkKind.INSIGHT.value, "A finding in the insight library"),
    (LinkKind.DECISION.value, "An earlier decision"),
]
ICB_WIDE = ("", "ICB-wide: all of Lancashire and South Cumbria")


class DecisionForm(PanelForm):
    """A decision's details (the status only when it is first recorded)."""

    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the decision's title"), Length(max=200)],
    )
    summary = TextAreaField(
        "What was decided (or is proposed)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=LONG)],
    )
    decided_on = DayField(
        "Date of the decision",
        description="The meeting or sign-off date; for a proposed decision, when it is expected",
        validators=[InputRequired("Enter the date of the decision")],
    )
    body_kind = RadioField(
        "Who decides", choices=BODY_CHOICES, validators=[InputRequired("Choose who decides")]
    )
    body_name = StringField(
        "Name of the deciding body",
        description="For example: ICB Board, Quality Committee, Blackpool Place Partnership Board",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the name of the deciding body"), Length(max=200)],
    )
    place_id = SelectField("Place", validate_choice=True)
    paper_reference = StringField(
        "Paper reference", filters=[strip_whitespace], validators=[Optional(), Length(max=100)]
    )
    paper_url = StringField(
        "Link to the paper",
        description="A web address starting with https://",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=500)],
    )
    status = RadioField("Status", choices=STATUS_CHOICES, default="proposed")
    owner_name = StringField(
        "Owner",
        description="The person accountable for the decision",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the name of the decision's owner"), Length(max=200)],
    )
    duty_applies = RadioField(
        "Does the duty to involve the public apply?",
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired("Say whether the duty to involve the public applies")],
    )
    duty_reason = TextAreaField(
        "Why it applies or does not",
        filters=[strip_whitespace],
        validators=[
            InputRequired("Say why the duty to involve applies or does not"),
            Length(max=LONG),
        ],
    )
    no_involvement_reason = TextAreaField(
        "If no public involvement informed it, why not",
        description="Needed before publishing a decision that has no involvement linked",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=LONG)],
    )

    def values(self) -> DecisionFields:
        """The form's values for the register's services."""
        return DecisionFields(
            title=self.title.data or "",
            summary=self.summary.data or "",
            decided_on=self.decided_on.data,
            body_kind=self.body_kind.data or "",
            body_name=self.body_name.data or "",
            place_id=int(self.place_id.data) if self.place_id.data else None,
            paper_reference=self.paper_reference.data or "",
            paper_url=self.paper_url.data or "",
            owner_name=self.owner_name.data or "",
            duty_applies={"yes": True, "no": False}.get(self.duty_applies.data or ""),
            duty_reason=self.duty_reason.data or "",
            no_involvement_reason=self.no_involvement_reason.data or "",
            status=self.status.data or "",
        )


class LinkForm(PanelForm):
    """One piece of involvement behind a decision, what people said and how it was used."""

    kind = RadioField(
        "What informed the decision",
        choices=LINK_KIND_CHOICES,
        validators=[InputRequired("Choose what informed the decision")],
    )
    survey_id = SelectField("Survey", validate_choice=True, validators=[Optional()])
    earlier_decision_id = SelectField(
        "Earlier decision", validate_choice=True, validators=[Optional()]
    )
    insight_id = SelectField(
        "Finding in the insight library", validate_choice=True, validators=[Optional()]
    )
    other_kind = SelectField("Kind of involvement", choices=OTHER_CHOICES, validate_choice=True)
    other_title = StringField(
        "Title of the event or report",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200)],
    )
    other_date = DayField("Date it took place or was published", validators=[Optional()])
    other_url = StringField(
        "Link to the report or write-up",
        description="A web address starting with https:// (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=500)],
    )
    people_said = TextAreaField(
        "What people said",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what people told us"), Length(max=LONG)],
    )
    outcome = RadioField(
        "How it was used",
        choices=OUTCOME_CHOICES,
        validators=[InputRequired("Choose how it was used")],
    )
    how_used = TextAreaField(
        "What we did, or why we did not",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what we did, or why we did not"), Length(max=LONG)],
    )

    def values(self) -> LinkFields:
        """The form's values for the register's services."""
        return LinkFields(
            kind=self.kind.data or "",
            people_said=self.people_said.data or "",
            outcome=self.outcome.data or "",
            how_used=self.how_used.data or "",
            survey_id=int(self.survey_id.data) if self.survey_id.data else None,
            earlier_decision_id=(
                int(self.earlier_decision_id.data) if self.earlier_decision_id.data else None
            ),
            insight_id=int(self.insight_id.data) if self.insight_id.data else None,
            other_kind=self.other_kind.data or "",
            other_title=self.other_title.data or "",
            other_date=self.other_date.data,
            other_url=self.other_url.data or "",
        )


class StatusForm(PanelForm):
    """Move a decision on to its next status (the choices are the moves allowed)."""

    status = RadioField("New status", validators=[InputRequired("Choose the new status")])


class PublicFilterForm(QueryForm):
    """The public register's filters."""

    place = SelectField(_l("Place"), validate_choice=True)
    body = SelectField(
        _l("Who decided"),
        choices=[("", _l("Anyone")), *lazy_choices(BODY_CHOICES)],
        validate_choice=True,
    )
    status = SelectField(
        _l("Status"),
        choices=[("", _l("Any status")), *lazy_choices(STATUS_CHOICES)],
        validate_choice=True,
    )
