"""The staff form for an event's details."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from panel.forms_common import PanelForm, strip_whitespace
from panel.i18n import lazy_gettext as _l
from surveys.engagement_events.models import EventFormat
from surveys.engagement_events.registration import RegistrationFields
from surveys.engagement_events.replies import ReplyFields
from surveys.engagement_events.services import EventFields
from surveys.forms import DayField
from surveys.models import InvolvementLevel

LONG = 10_000
ICB_WIDE = ("", "ICB-wide: all of Lancashire and South Cumbria")


class EventForm(PanelForm):
    """An event's details."""

    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the event's title"), Length(max=200)],
    )
    purpose = TextAreaField(
        "Purpose",
        description="What the event is for and what will happen to what people say",
        filters=[strip_whitespace],
        validators=[InputRequired("Say what the event is for"), Length(max=LONG)],
    )
    involvement = RadioField(
        "Level of involvement",
        choices=[(level.value, level.value.capitalize()) for level in InvolvementLevel],
        validators=[InputRequired("Choose the level of involvement")],
    )
    place_id = SelectField("Place", validate_choice=True)
    format = RadioField(
        "Format",
        choices=[(kind.value, kind.label) for kind in EventFormat],
        validators=[InputRequired("Choose whether the event is in person, online or hybrid")],
    )
    venue = TextAreaField(
        "Venue",
        description="Name and address; needed for in-person and hybrid events",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=300)],
    )
    accessibility = TextAreaField(
        "Accessibility",
        description="Step-free access, hearing loop, toilets, parking, quiet room",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=LONG)],
    )
    map_url = StringField(
        "Map link (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=500)],
    )
    joining_link = StringField(
        "Joining link",
        description="For online and hybrid events; sent only to people with a confirmed place",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=500)],
    )
    day = DayField("Date", validators=[InputRequired("Enter the date of the event")])
    starts = TimeField(
        "Start time (UK time)", validators=[InputRequired("Enter the start time, like 14:00")]
    )
    ends = TimeField(
        "End time (UK time)", validators=[InputRequired("Enter the end time, like 16:00")]
    )
    capacity = IntegerField(
        "Capacity",
        description="The most people who can have a confirmed place",
        validators=[
            InputRequired("Enter the capacity as a whole number"),
            NumberRange(min=1, max=100_000, message="Enter a capacity from 1 to 100,000"),
        ],
    )
    replies_close_on = DayField(
        "Closing date for replies",
        description="Replies close at the end of this day (or when the event starts)",
        validators=[InputRequired("Enter the closing date for replies")],
    )
    survey_id = SelectField("Linked survey (optional)", validate_choice=True)
    decision_id = SelectField("Linked decision (optional)", validate_choice=True)
    listed_publicly = BooleanField(
        "List it on the public engagement page",
        description="Shows the title, purpose, date, place and venue to everyone (never who is "
        "coming); leave unticked for an invitation-only group",
    )

    registration_open = BooleanField(
        "Let anyone register on the event's public page",
        description="Places go to registrants and invitees alike, first come; when full, "
        "registrants join the waiting list",
    )
    registration_questions = TextAreaField(
        "Questions for people who register (optional)",
        description="One question a line, at most 5, each up to 200 characters",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=1100)],
    )

    def values(self) -> EventFields:
        """The form's values for the events services."""
        return EventFields(
            title=self.title.data or "",
            purpose=self.purpose.data or "",
            involvement=self.involvement.data,
            place_id=int(self.place_id.data) if self.place_id.data else None,
            format=self.format.data,
            venue=self.venue.data or "",
            accessibility=self.accessibility.data or "",
            map_url=self.map_url.data or "",
            joining_link=self.joining_link.data or "",
            day=self.day.data,
            starts=self.starts.data,
            ends=self.ends.data,
            capacity=self.capacity.data,
            replies_close_on=self.replies_close_on.data,
            survey_id=int(self.survey_id.data) if self.survey_id.data else None,
            decision_id=int(self.decision_id.data) if self.decision_id.data else None,
            listed_publicly=bool(self.listed_publicly.data),
            registration_open=bool(self.registration_open.data),
            registration_questions=(self.registration_questions.data or "").splitlines(),
        )


class NeedsForm(PanelForm):
    """Access and dietary needs, kept only with consent: the same fields on an invitee's reply
    and on a public registration (one set, so the wording and limits cannot drift apart)."""

    access_needs = TextAreaField(
        _l("Access needs (optional)"),
        description=_l(
            "For example: step-free access, a hearing loop, a BSL interpreter, large print"
        ),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=2000)],
    )
    dietary_needs = TextAreaField(
        _l("Dietary needs (optional)"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=2000)],
    )
    consent = BooleanField(
        _l("I agree that the event's organisers may keep my access and dietary needs"),
        description=_l(
            "Only the organisers of this event see them, and they are deleted 30 days after "
            "the event"
        ),
    )


class ReplyForm(NeedsForm):
    """An invitee's yes or no, with needs kept only if they agree."""

    coming = RadioField(
        _l("Can you come?"),
        choices=[("yes", _l("Yes, I would like a place")), ("no", _l("No, I cannot come"))],
        validators=[InputRequired(_l("Choose yes or no"))],
    )

    def values(self) -> ReplyFields:
        """The reply for the replies service."""
        return ReplyFields(
            coming=self.coming.data == "yes",
            access_needs=self.access_needs.data or "",
            dietary_needs=self.dietary_needs.data or "",
            consent=bool(self.consent.data),
        )


#: the most questions an event asks (registration.MAX_QUESTIONS): one answer field each.
ANSWER_FIELDS = tuple(f"answer_{n}" for n in range(1, 6))


def _answer_field():
    return TextAreaField(
        filters=[strip_whitespace],
        validators=[
            Optional(),
            Length(max=1000, message=_l("Keep your answer to 1,000 characters or fewer")),
        ],
    )


class RegistrationForm(NeedsForm):
    """Registering for an event on its public page: name, email address, the event's own
    questions (labelled by the view), and needs kept only if the person agrees."""

    name = StringField(
        _l("Your name"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=200, message=_l("Enter a name of 200 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("We send your confirmation and the event's details here"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ],
    )
    answer_1 = _answer_field()
    answer_2 = _answer_field()
    answer_3 = _answer_field()
    answer_4 = _answer_field()
    answer_5 = _answer_field()

    def label_questions(self, questions: list[str]) -> list:
        """Label the answer fields with the event's questions; returns the fields in use."""
        used = [getattr(self, name) for name in ANSWER_FIELDS[: len(questions)]]
        for answer, question in zip(used, questions, strict=True):
            answer.label.text = question
        return used

    def values(self, questions: list[str], language: str | None) -> RegistrationFields:
        """The registration for the registration service."""
        return RegistrationFields(
            name=self.name.data or "",
            email=self.email.data or "",
            answers=[getattr(self, n).data or "" for n in ANSWER_FIELDS[: len(questions)]],
            access_needs=self.access_needs.data or "",
            dietary_needs=self.dietary_needs.data or "",
            consent=bool(self.consent.data),
            language=language,
        )
