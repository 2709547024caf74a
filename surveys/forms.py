"""Forms for planning, writing, reviewing and publishing surveys."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from panel.forms_common import PanelForm, strip_whitespace
from surveys.content import TYPE_LABELS
from surveys.guidance.standard_scales import (
    CUSTOM,
    SCALES,
    ScaleChoiceError,
    scale_answers,
    suggest_scale,
)
from surveys.models import AudienceKind, InvolvementLevel
from surveys.validation import (
    ANSWER_LIMIT_MAX,
    NOTE_MAX,
    PAGE_TITLE_MAX,
    PLAN_TEXT_MAX,
    TEXT_MAX,
    TITLE_MAX,
)

# The limits are the content rules' own (surveys.validation), so the form never accepts what
# the service refuses; the service checks again whatever the form let through.
LONG = PLAN_TEXT_MAX


class DayField(DateField):
    """A date with a message people understand when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a real date, for example 2027-06-07") from None


INVOLVEMENT_CHOICES = [
    (InvolvementLevel.INFORM.value, "Inform: telling people about a decision"),
    (InvolvementLevel.LISTEN.value, "Listen: gathering views to inform a decision"),
    (InvolvementLevel.DISCUSS.value, "Discuss: consultation on a proposal"),
    (InvolvementLevel.COLLABORATE.value, "Collaborate or co-design"),
    (InvolvementLevel.EMPOWER.value, "Empower: people make the decision"),
]
AUDIENCE_CHOICES = [
    (AudienceKind.PANEL.value, "The whole panel"),
    (AudienceKind.SEGMENT.value, "A saved segment of the panel"),
    (AudienceKind.PUBLIC.value, "The public, through open links"),
]


class PlanForm(PanelForm):
    """A survey's plan: title, purpose, audience, dates and the rest."""

    title = StringField(
        "Survey title",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter a title"), Length(max=TITLE_MAX)],
    )
    place_id = SelectField("Whose survey is it", coerce=int, validate_choice=True)
    purpose = TextAreaField(
        "What is the survey for",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what the survey is for"), Length(max=LONG)],
    )
    decision = TextAreaField(
        "Which decision will the answers inform",
        filters=[strip_whitespace],
        validators=[InputRequired("Say which decision the answers will inform"), Length(max=LONG)],
    )
    already_known = TextAreaField(
        "What do we already know",
        description="Earlier engagement, complaints and data on this subject, and why we need "
        "to ask again. Similar earlier surveys are listed on the survey page.",
        filters=[strip_whitespace],
        validators=[Length(max=LONG)],
    )
    audience = RadioField(
        "Who will be asked", choices=AUDIENCE_CHOICES, validators=[InputRequired("Choose who")]
    )
    segment_id = SelectField("Segment", coerce=int, validate_choice=True)
    involvement = RadioField(
        "Level of involvement",
        choices=INVOLVEMENT_CHOICES,
        validators=[InputRequired("Choose the level of involvement")],
    )
    opens_day = DayField("Opening date", validators=[Optional()])
    opens_time = TimeField("Opening time (UK time)", validators=[Optional()])
    closes_day = DayField("Closing date", validators=[Optional()])
    closes_time = TimeField("Closing time (UK time)", validators=[Optional()])
    formal_consultation = BooleanField("This is a formal consultation (at least 12 weeks)")
    urgent_reason = TextAreaField(
        "If it must run for under 30 days, why is it urgent",
        filters=[strip_whitespace],
        validators=[Length(max=500)],
    )
    anonymous = RadioField(
        "Answers",
        choices=[
            ("yes", "Anonymous: not linked to the member"),
            ("no", "Linked to the member, so we can follow up"),
        ],
        validators=[InputRequired("Choose whether answers are anonymous")],
    )
    reminder_days = IntegerField(
        "Remind people who have not finished, this many days before it closes",
        description=(
            "Leave empty for no reminder (usual for formal consultations). The invitations' "
            "check page shows the reminder, and confirming the invitations confirms it."
        ),
        validators=[Optional(), NumberRange(min=1, max=60, message="Enter 1 to 60 days")],
    )
    results_note = TextAreaField(
        "When and where will the results be published",
        description="Shown to people who arrive after it closes, and in their thank-you.",
        filters=[strip_whitespace],
        validators=[Length(max=500)],
    )
    equality_considerations = TextAreaField(
        "Equality considerations",
        description="Groups who may be affected differently, and how you will reach them.",
        filters=[strip_whitespace],
        validators=[Length(max=LONG)],
    )


SCALE_CHOICES = [
    *((s.name, f"{s.label}: {', '.join(s.options)}") for s in SCALES.values()),
    (CUSTOM, "Custom: the answers typed below"),
]


class QuestionForm(PanelForm):
    """One question: type, wording, options and display settings."""

    type = RadioField(
        "Type of question",
        choices=list(TYPE_LABELS.items()),
        validators=[InputRequired("Choose the type of question")],
    )
    text = TextAreaField(
        "Question",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the question"), Length(max=TEXT_MAX)],
    )
    help_text = TextAreaField(
        "Help text (optional)", filters=[strip_whitespace], validators=[Length(max=NOTE_MAX)]
    )
    why_we_ask = TextAreaField(
        "Why we ask this",
        description="How the answer will be used. Shown to reviewers; it keeps surveys minimal.",
        filters=[strip_whitespace],
        validators=[Length(max=NOTE_MAX)],
    )
    required = BooleanField("People must answer this question")
    # Checked in validate_scale, which must also run when no scale is chosen.
    scale = RadioField(
        "Answer scale (rating scales only)", choices=SCALE_CHOICES, validate_choice=False
    )
    options = TextAreaField(
        "Answers to choose from (one per line)",
        description="For a rating scale, choose “Custom” above to use the answers typed here. "
        "For a grid, the scale every row is answered on; for a ranking, what is put in order.",
        validators=[Length(max=5000)],
    )
    rows = TextAreaField(
        "Rows of the grid (one per line; grid questions only)",
        description="Each row is answered on the scale above, for example: Parking, Signs.",
        validators=[Length(max=5000)],
    )
    allow_other = BooleanField('Add "Other, please specify"')
    dont_know = BooleanField('Add "Don\'t know"')
    comment_box = BooleanField("Add a comment box under the answers")
    max_length = IntegerField(
        "Longest answer allowed (characters, or the highest number)",
        validators=[
            Optional(),
            NumberRange(min=1, max=ANSWER_LIMIT_MAX, message=f"Enter 1 to {ANSWER_LIMIT_MAX:,}"),
        ],
    )
    show_if_key = SelectField(
        "Show this question only if",
        description="Only a question before this one, with answers to choose from (listed "
        "after it), can decide.",
        validate_choice=True,
    )
    show_if_values = StringField(
        "…the answer is one of (separate with |)",
        description="Use that question's own answers, exactly as it gives them.",
        filters=[strip_whitespace],
        validators=[Length(max=500)],
    )
    ig_justification = TextAreaField(
        "Information governance justification (only if you ask for personal details)",
        filters=[strip_whitespace],
        validators=[Length(max=NOTE_MAX)],
    )

    def validate_scale(self, field):
        """A rating scale needs a scale chosen (or its own answers); with neither, the scale the
        wording asks for is selected and shown, and the author confirms it by saving again."""
        if field.data and field.data not in dict(SCALE_CHOICES):
            raise ValidationError("Choose one of the scales")
        if self.type.data != "rating_scale":
            return
        typed = (self.options.data or "").splitlines()
        try:
            answers = scale_answers(field.data, typed)
        except ScaleChoiceError as error:
            raise ValidationError(str(error)) from None
        if answers is None and field.data == CUSTOM:
            raise ValidationError("Type the answers below, one per line, or choose a scale")
        if answers is None:
            suggestion = suggest_scale(self.text.data or "")
            field.data = suggestion.scale.name
            self.options.data = "\n".join(suggestion.scale.options)
            raise ValidationError(
                f"Check the answer scale: {suggestion.scale.label.lower()} is suggested, as "
                f"{suggestion.reason}. Save again to use it, or choose another"
            )


class PageForm(PanelForm):
    """A page's title."""

    title = StringField(
        "Page title", filters=[strip_whitespace], validators=[Length(max=PAGE_TITLE_MAX)]
    )


class OverrideForm(PanelForm):
    """Publish despite one of the guidance checker's errors, with the reason."""

    rule = StringField(validators=[InputRequired(), Length(max=40)])
    question_key = StringField(validators=[Optional(), Length(max=60)])
    reason = TextAreaField(
        "Why this is needed", filters=[strip_whitespace], validators=[Length(max=1000)]
    )


class CommentForm(PanelForm):
    """A reviewer's comment on the survey or one question."""

    question_key = SelectField("About", validate_choice=True)
    body = TextAreaField(
        "Comment",
        filters=[strip_whitespace],
        validators=[InputRequired("Write a comment"), Length(max=2000)],
    )


class ReplyForm(PanelForm):
    """An answer to a review comment."""

    reply_to = IntegerField(validators=[InputRequired()])
    body = TextAreaField(
        "Answer",
        filters=[strip_whitespace],
        validators=[InputRequired("Write an answer"), Length(max=2000)],
    )


class TypoForm(PanelForm):
    """Correct a typo in a live survey's question."""

    text = TextAreaField(
        "Question",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the question"), Length(max=TEXT_MAX)],
    )
    options = TextAreaField("Answers (one per line)", validators=[Length(max=5000)])
    note = StringField(
        "What did you correct",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what you corrected"), Length(max=200)],
    )


class ImportForm(PanelForm):
    """Upload a survey file exported from this site."""

    file = FileField("Survey file (JSON exported from this site)")
    place_id = SelectField("Whose survey is it", coerce=int, validate_choice=True)


class ElectionDateForm(PanelForm):
    """Add an election polling day."""

    poll_date = DayField(
        "Polling day", validators=[InputRequired("Enter the polling day, for example 2029-05-03")]
    )
    description = StringField(
        "Which elections",
        filters=[strip_whitespace],
        validators=[InputRequired("Say which elections"), Length(max=200)],
    )


class MarkFindingForm(PanelForm):
    """Say that one of the guidance checker's findings is wrong, and why."""

    finding = StringField(validators=[InputRequired(), Length(max=40)])
    reason = TextAreaField(
        "Why this finding is wrong", filters=[strip_whitespace], validators=[Length(max=1000)]
    )
