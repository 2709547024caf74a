"""Forms for results: the filters (a GET form), the results page's words, decisions, quotes."""

from __future__ import annotations

from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from panel.forms_common import MultiCheckboxField, PanelForm, QueryForm, strip_whitespace
from panel.members.reference import AGE_BANDS, EQUALITY_QUESTIONS, TOPICS
from surveys import content as doc
from surveys.answer_codes import option_values
from surveys.fieldwork.models import CHANNEL_LABELS
from surveys.forms import DayField
from surveys.results.figures import ResultFilters
from surveys.results.models import Outcome

LONG = 10000
ANY = ("", "Any")


class FilterForm(QueryForm):
    """Read from the query string; an unknown choice is a message, never an error page."""

    place = SelectField("Place", validate_choice=True)
    neighbourhood = SelectField("Neighbourhood", validate_choice=True)
    source = SelectField("Where they answered", validate_choice=True)
    age_band = SelectField("Age", choices=[ANY, *AGE_BANDS], validate_choice=True)
    channel = SelectField(
        "How they answered",
        choices=[ANY, *[(channel.value, label) for channel, label in CHANNEL_LABELS.items()]],
        validate_choice=True,
    )
    submitted_from = DayField("Sent on or after", validators=[Optional()])
    submitted_to = DayField("Sent on or before", validators=[Optional()])
    answer = SelectField("Answered another question with", validate_choice=True)
    by = SelectField("Break down by", validate_choice=True)
    weights = SelectField(
        "Weighting",
        choices=[("", "Unweighted"), ("census", "Also weighted to Census 2021 (place, age, sex)")],
        validate_choice=True,
    )

    def validate_submitted_to(self, field):
        start = self.submitted_from.data
        if field.data and start and field.data < start:
            raise ValueError("The end date must be on or after the start date")


def equality_selects(allowed: set[str] | None = None) -> list[tuple[str, str, list]]:
    """(field name, label, choices) of the equality filters, only ``allowed`` fields if given."""
    return [
        (f"eq_{q.field}", q.question, [ANY, *q.options])
        for q in EQUALITY_QUESTIONS
        if allowed is None or q.field in allowed
    ]


def answer_choices(survey) -> list[tuple[str, str]]:
    """ "Answered ... with ..." choices: every value of every closed question."""
    choices = [ANY]
    for question in doc.questions(survey.content or {}):
        if question["type"] in ("single_choice", "rating_scale", "multiple_choice"):
            for value in option_values(question):
                label = "Other" if value == "__other__" else value
                choices.append((f"{question['key']}={value}", f"{question['text']}: {label}"))
    return choices


def filter_form(
    args,
    places,
    neighbourhoods,
    sources,
    dimensions,
    survey=None,
    equality_allowed: set[str] | None = None,
) -> FilterForm:
    """The results filter form read from the query string, with its choices."""
    form_class = type(
        "BoundFilterForm",
        (FilterForm,),
        {
            name: SelectField(label, choices=choices, validate_choice=True)
            for name, label, choices in equality_selects(equality_allowed)
        },
    )
    form = form_class(args)
    form.answer.choices = answer_choices(survey) if survey is not None else [ANY]
    form.place.choices = [ANY, *[(str(p.id), p.name) for p in places]]
    form.neighbourhood.choices = [ANY, *[(str(n.id), n.name) for n in neighbourhoods]]
    form.source.choices = [ANY, *[(s, s) for s in sources if s]]
    form.by.choices = [(key, d.label) for key, d in dimensions.items()]
    if not form.by.data:
        form.by.data = "place"
    return form


def filters_from(form: FilterForm, valid: bool) -> ResultFilters:
    """The filters of the fields that passed (a bad field is shown with its message and left
    out, so the page still shows figures)."""

    def good(field):
        return field.data if not field.errors and field.data else None

    equality = tuple(
        (name[3:], form[name].data)
        for name, _l, _c in equality_selects()
        if name in form and good(form[name])
    )
    answer = good(form.answer)
    return ResultFilters(
        place_id=int(good(form.place)) if good(form.place) else None,
        neighbourhood_id=int(good(form.neighbourhood)) if good(form.neighbourhood) else None,
        source=good(form.source) or "",
        age_band=good(form.age_band) or "",
        channel=good(form.channel) or "",
        equality=equality,
        submitted_from=good(form.submitted_from),
        submitted_to=good(form.submitted_to),
        answers=(tuple(answer.split("=", 1)),) if answer else (),
    )


class ResultsPageForm(PanelForm):
    """The public results page's text."""

    why_we_asked = TextAreaField(
        "What we asked and why", filters=[strip_whitespace], validators=[Length(max=LONG)]
    )
    what_you_said = TextAreaField(
        "What people told us",
        filters=[strip_whitespace],
        validators=[Length(max=LONG)],
        description="The key findings in plain words. The figures and quotes are added for you.",
    )
    recommendations = TextAreaField(
        "Recommendations",
        filters=[strip_whitespace],
        validators=[Length(max=LONG)],
        description="For the engagement report.",
    )
    next_steps = TextAreaField(
        "Next steps", filters=[strip_whitespace], validators=[Length(max=LONG)]
    )
    topic = SelectField("Topic", choices=[("", "Choose a topic"), *TOPICS], validate_choice=True)
    featured_questions = MultiCheckboxField("Questions whose figures the public page shows")


class DecisionForm(PanelForm):
    """A decision: what people said, what was done, and when."""

    you_said = TextAreaField(
        "You said",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what people told us"), Length(max=2000)],
    )
    outcome = RadioField(
        "What happened",
        choices=[(o.value, o.label) for o in Outcome],
        validators=[InputRequired("Choose what happened")],
    )
    action = TextAreaField(
        "What we did, or why we did not",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what we did, or why we did not"), Length(max=2000)],
    )
    decided_on = DayField("Date of the decision", validators=[InputRequired("Enter the date")])


class QuoteForm(PanelForm):
    """Choose a comment as a quote for the results page."""

    answer_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _printable(value):
    # NUL cannot be stored or searched in PostgreSQL text: it is never part of a real search.
    return value.replace("\x00", "") if isinstance(value, str) else value


class SearchForm(QueryForm):
    """Search the comments."""

    q = StringField(
        "Search the comments",
        filters=[strip_whitespace, _printable],
        validators=[Length(max=200, message="Enter 200 characters or fewer")],
    )
