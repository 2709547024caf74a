"""Forms for joining, the member area and the staff member tools."""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from panel.forms_common import MultiCheckboxField, PanelForm, QueryForm, strip_whitespace
from panel.i18n import LANGUAGES, lazy_choices
from panel.i18n import lazy_gettext as _l
from panel.members import reference
from panel.places.postcodes import InvalidPostcode, normalise_postcode

EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")


_SOURCE_CODE = re.compile(r"[A-Za-z0-9_-]{1,24}")


def source_code(value) -> str:
    """A recruitment link's code as it came in the address, or "" for anything that cannot be
    one (a resident cannot correct a hidden field, so a bad one is simply not recorded)."""
    value = value.strip() if isinstance(value, str) else ""
    return value if _SOURCE_CODE.fullmatch(value) else ""


def _postcode_check(form, field):
    try:
        field.data = normalise_postcode(field.data or "")
    except InvalidPostcode as error:
        raise ValidationError(_l("Enter a full UK postcode, like FY1 1AA")) from error


class YourDetailsForm(PanelForm):
    """Joining, step one: name, email address and postcode."""

    first_name = StringField(
        _l("First name"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your first name")),
            Length(max=80, message=_l("First name must be 80 characters or fewer")),
        ],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your last name")),
            Length(max=80, message=_l("Last name must be 80 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    postcode = StringField(
        _l("Postcode"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your postcode")),
            Length(max=10, message=_l("Enter a full UK postcode, like FY1 1AA")),
            _postcode_check,
        ],
    )
    #: the recruitment link the resident arrived by: it travels in the page's address and this
    #: field, so nothing is stored until they submit this step.
    source = HiddenField(filters=[source_code])


class WhereYouLiveForm(PanelForm):
    """Joining: the place and neighbourhood the postcode allows."""

    # The choices are the postcode's own places and neighbourhoods, set by the view; whether an
    # answer fits the postcode is decided by panel.places.services.place_for_postcode, so these
    # fields only read the numbers.
    place_id = RadioField(
        _l("Which area do you live in?"),
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )
    neighbourhood_id = SelectField(
        _l("Your neighbourhood (optional)"),
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )


class AboutYouForm(PanelForm):
    """Joining: age band, topics and how they heard of the panel. (Easy read and language are
    not asked until something uses the answers: issue 23.)"""

    age_band = RadioField(
        _l("How old are you?"),
        choices=lazy_choices(reference.AGE_BANDS),
        validators=[InputRequired(_l("Choose your age group"))],
    )
    topics = MultiCheckboxField(
        _l("Which topics interest you? (optional)"), choices=lazy_choices(reference.TOPICS)
    )
    heard_from = RadioField(
        _l("How did you hear about the panel? (optional)"),
        choices=lazy_choices(reference.HEARD_FROM),
        validators=[Optional()],
    )


def _equality_fields():
    fields = {}
    for question in reference.EQUALITY_QUESTIONS:
        fields[question.field] = RadioField(
            _l(question.question),
            choices=lazy_choices(question.options),
            validators=[Optional()],
            description=_l(question.hint) if question.hint else "",
        )
    return fields


EqualityForm = type(
    "EqualityForm",
    (PanelForm,),
    {
        **_equality_fields(),
        "consent": BooleanField(_l(reference.SPECIAL_CATEGORY_CONSENT_TEXT)),
    },
)


def equality_form_errors(form) -> None:
    """Answers without the consent tick are not kept: say so rather than drop them silently."""
    answered = any(getattr(form, f).data for f in reference.EQUALITY_FIELDS)
    if answered and not form.consent.data:
        form.consent.errors.append(
            _l("Tick the box to let us keep your answers, or clear them to skip this section")
        )


class CheckAnswersForm(PanelForm):
    """Joining, last step: the tracking question before the answers are sent."""

    tracking_consent = RadioField(
        _l("May we see when you open our emails or click their links?"),
        description=_l(
            "This helps us know whether our bulletin is useful. If you say no, our "
            "emails carry no tracking."
        ),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[InputRequired(_l("Choose whether we may see when you open our emails"))],
    )
    agree = BooleanField(
        _l("I have read the privacy notice and want to join the panel"),
        validators=[DataRequired(_l("Tick the box to confirm you want to join"))],
    )


class MagicLinkForm(PanelForm):
    """A member asks for a sign-in link by email."""

    email = EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )


class MemberDetailsForm(PanelForm):
    """A member changes their details in the member area."""

    first_name = YourDetailsForm.first_name
    last_name = YourDetailsForm.last_name
    postcode = YourDetailsForm.postcode
    place_id = WhereYouLiveForm.place_id
    neighbourhood_id = WhereYouLiveForm.neighbourhood_id
    age_band = AboutYouForm.age_band
    topics = AboutYouForm.topics
    #: the language of the member's pages and emails; each named in its own language.
    language = RadioField(
        _l("Which language should we use for your emails?"),
        choices=[(language.code, language.autonym) for language in LANGUAGES],
        validators=[Optional()],
    )


#: "keep" leaves a pause as it is; "0" ends it now; a number pauses for that many months.
PAUSE_LENGTHS = [
    ("1", _l("Pause for 1 month")),
    ("3", _l("Pause for 3 months")),
    ("6", _l("Pause for 6 months")),
]


class PauseForm(PanelForm):
    """Pause survey invitations and the bulletin, each on its own, for some months."""

    months = RadioField(
        _l("Survey invitations"),
        choices=[("keep", _l("No change")), ("0", _l("Send them to me")), *PAUSE_LENGTHS],
        default="keep",
        validators=[InputRequired(_l("Choose what to do with survey invitations"))],
    )
    bulletin_months = RadioField(
        _l("The panel bulletin"),
        choices=[("keep", _l("No change")), ("0", _l("Send it to me")), *PAUSE_LENGTHS],
        default="keep",
        validators=[InputRequired(_l("Choose what to do with the bulletin"))],
    )


class TrackingForm(PanelForm):
    """Change the answer to the email tracking question."""

    tracking_consent = CheckAnswersForm.tracking_consent


class LeaveForm(PanelForm):
    """Leave the panel: an explicit yes or no."""

    # A question with two answers rather than a tick box, so that "No" is an answer that keeps
    # the member, and only the exact answer "yes" ever erases anyone.
    leave = RadioField(
        _l("Do you want to leave the panel and have your details deleted?"),
        choices=[("yes", _l("Yes, leave the panel")), ("no", _l("No, stay on the panel"))],
        validators=[InputRequired(_l("Choose yes to leave the panel, or no to stay"))],
    )


class DirectoryFilterForm(QueryForm):
    """The member directory's filters (read from the query string, so no CSRF token)."""

    q = StringField(
        "Name or email",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=100, message="Search is too long")],
    )
    place_id = SelectField("Place", coerce=int, choices=[], validators=[Optional()])
    neighbourhood_id = SelectField("Neighbourhood", coerce=int, choices=[], validators=[Optional()])
    status = SelectField(
        "Status",
        choices=[
            ("", "Members (pending and active)"),
            ("active", "Active"),
            ("pending", "Pending"),
            ("left", "Left"),
        ],
        validators=[Optional()],
    )
    source_id = SelectField("Recruitment source", coerce=int, choices=[], validators=[Optional()])
    joined_from = DateField("Joined on or after", validators=[Optional()])
    joined_to = DateField("Joined on or before", validators=[Optional()])


class ImportForm(PanelForm):
    """Upload a CSV of members to import, with their recruitment source."""

    file = FileField("CSV file")
    source_id = SelectField(
        "Recruitment source for these members", coerce=int, choices=[], validators=[Optional()]
    )


class SourceForm(PanelForm):
    """A recruitment source: its name and place."""

    name = StringField(
        "Name of the channel or partner",
        filters=[strip_whitespace],
        description='For example "Healthwatch Blackpool" or "GP poster"',
        validators=[
            DataRequired("Enter a name for the source"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    place_id = SelectField("Which place is it for", coerce=int, choices=[], validators=[Optional()])


class NoteForm(PanelForm):
    """A staff note on a member."""

    text = TextAreaField("Note")
