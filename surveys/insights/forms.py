"""Forms for the insight library: a finding, and the library's search and filters (a GET form)."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from panel.forms_common import MultiCheckboxField, PanelForm, QueryForm, strip_whitespace
from surveys.forms import DayField
from surveys.insights.library import InsightFields, InsightQuery
from surveys.insights.models import SourceKind
from surveys.insights.vocabulary import GROUPS, TOPICS
from surveys.models import InvolvementLevel

LONG = 10_000
SOURCE_CHOICES = [(kind.value, kind.label) for kind in SourceKind]
INVOLVEMENT_CHOICES = [
    ("", "Not an event or focus group"),
    *[(level.value, level.value.capitalize()) for level in InvolvementLevel],
]
ICB_WIDE = ("", "ICB-wide: all of Lancashire and South Cumbria")
#: the place filter's value for ICB-wide findings only.
ICB_PLACE_FILTER = "icb"


class InsightForm(PanelForm):
    """A finding's details."""

    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the finding's title"), Length(max=200)],
    )
    summary = TextAreaField(
        "What we heard",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what we heard"), Length(max=LONG)],
    )
    source_kind = RadioField(
        "Where it came from",
        choices=SOURCE_CHOICES,
        validators=[InputRequired("Choose where the finding came from")],
    )
    source_name = StringField(
        "Who ran it or wrote the report",
        description="For example: Healthwatch Blackpool, the ICB engagement team",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200)],
    )
    source_url = StringField(
        "Link to the report or write-up",
        description="A web address starting with https:// (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=500)],
    )
    survey_id = SelectField(
        "Survey",
        description="Needed for survey results; optional for the others",
        validate_choice=True,
        validators=[Optional()],
    )
    decision_id = SelectField(
        "Decision it informed (optional)", validate_choice=True, validators=[Optional()]
    )
    heard_on = DayField(
        "Date we heard it",
        description="The event's date, the survey's closing date or the report's publication",
        validators=[InputRequired("Enter the date we heard it")],
    )
    place_id = SelectField("Place", validate_choice=True)
    topics = MultiCheckboxField(
        "Topics", description="The strategy's life-course priorities and service topics"
    )
    groups = MultiCheckboxField("Groups we heard from")
    people_heard = IntegerField(
        "Number of people we heard from",
        description="Leave empty if not known",
        validators=[Optional(), NumberRange(min=0, max=10_000_000, message="Enter 0 or more")],
    )
    involvement = SelectField(
        "Level of involvement", choices=INVOLVEMENT_CHOICES, validate_choice=True
    )
    owner_name = StringField(
        "Owner",
        description="The person who keeps this finding up to date",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the name of the finding's owner"), Length(max=200)],
    )
    is_public = BooleanField(
        "It may appear on public pages",
        description="Only findings marked here are shown to the public; small numbers are hidden",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = TOPICS
        self.groups.choices = GROUPS

    def values(self) -> InsightFields:
        """The form's values for the library's services."""
        return InsightFields(
            title=self.title.data or "",
            summary=self.summary.data or "",
            source_kind=self.source_kind.data or "",
            heard_on=self.heard_on.data,
            owner_name=self.owner_name.data or "",
            source_name=self.source_name.data or "",
            source_url=self.source_url.data or "",
            survey_id=int(self.survey_id.data) if self.survey_id.data else None,
            decision_id=int(self.decision_id.data) if self.decision_id.data else None,
            place_id=int(self.place_id.data) if self.place_id.data else None,
            topics=list(self.topics.data or []),
            groups=list(self.groups.data or []),
            people_heard=self.people_heard.data,
            involvement=self.involvement.data or "",
            is_public=bool(self.is_public.data),
        )


class InsightSearchForm(QueryForm):
    """The library's search words and filters."""

    q = StringField("Search words", validators=[Optional(), Length(max=200)])
    topic = SelectField("Topic", choices=[("", "Any topic"), *TOPICS], validate_choice=True)
    group = SelectField(
        "Group heard from", choices=[("", "Any group"), *GROUPS], validate_choice=True
    )
    source = SelectField(
        "Where it came from", choices=[("", "Anywhere"), *SOURCE_CHOICES], validate_choice=True
    )
    place = SelectField("Place", validate_choice=True)
    heard_from = DayField("Heard on or after", validators=[Optional()])
    heard_to = DayField("Heard on or before", validators=[Optional()])

    def query(self) -> InsightQuery:
        """The search for the library's services (after validate: a field in error is left out,
        and its message shown beside it)."""

        def good(field):
            return None if field.errors else (field.data or None)

        place = good(self.place) or ""
        return InsightQuery(
            words=good(self.q) or "",
            topic=good(self.topic),
            group=good(self.group),
            source_kind=SourceKind(self.source.data) if good(self.source) else None,
            place_id=int(place) if place.isdigit() else None,
            icb_wide=place == ICB_PLACE_FILTER,
            heard_from=good(self.heard_from),
            heard_to=good(self.heard_to),
        )
