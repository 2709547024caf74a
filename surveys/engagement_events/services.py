"""Creating and changing events, and who may see them (a place team: its places' events and
ICB-wide ones; it changes only its own places' events)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.auth.access import can_see_place, visible_place_ids
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.local_time import AmbiguousTime, NonExistentTime, resolve_local_time
from panel.web_links import is_web_link
from surveys.engagement_events.models import EngagementEvent, EventFormat, EventStatus
from surveys.engagement_events.places import change_capacity
from surveys.engagement_events.registration import checked_questions
from surveys.models import InvolvementLevel

#: replies close at the end of the closing day, local time.
REPLIES_CLOSE_AT = time(23, 59)


@dataclass
class EventFields:
    """An event's details as typed on the form."""

    title: str
    purpose: str
    involvement: str
    place_id: int | None
    format: str
    venue: str
    accessibility: str
    map_url: str
    joining_link: str
    day: date
    starts: time
    ends: time
    capacity: int
    replies_close_on: date
    survey_id: int | None = None
    decision_id: int | None = None
    listed_publicly: bool = False
    registration_open: bool = False
    #: the event's own questions on its registration page, one a line.
    registration_questions: list[str] = field(default_factory=list)


def visible_events(user: StaffUser):
    """A select() of the events the user may see, soonest first."""
    query = (
        sa.select(EngagementEvent)
        .options(selectinload(EngagementEvent.place))
        .order_by(EngagementEvent.starts_at, EngagementEvent.id)
    )
    place_ids = visible_place_ids(user)
    if place_ids is None:
        return query
    return query.where(
        sa.or_(EngagementEvent.place_id.is_(None), EngagementEvent.place_id.in_(sorted(place_ids)))
    )


def can_organise(user: StaffUser, event: EngagementEvent) -> bool:
    """Whether the user organises this event (a place team: its own places' events only)."""
    if visible_place_ids(user) is None:
        return True
    return event.place_id is not None and can_see_place(user, event.place_id)


def organised_event(session: Session, user: StaffUser, event_id: int) -> EngagementEvent | None:
    """The event, if the user may see it and organises it (its register, claims and payments
    are its organisers' only); None otherwise, which the pages answer with a 404."""
    event = session.scalars(visible_events(user).where(EngagementEvent.id == event_id)).first()
    return event if event is not None and can_organise(user, event) else None


def _instant(day: date, at: time, zone: str, field: str) -> datetime:
    try:
        return resolve_local_time(day, at, zone)
    except NonExistentTime as error:
        raise FieldError(
            "That time does not exist on this day: the clocks go forward at 1am", field
        ) from error
    except AmbiguousTime as error:
        raise FieldError(
            "That time happens twice on this day when the clocks go back: choose another", field
        ) from error


def _checked(user: StaffUser, fields: EventFields, zone: str, now: datetime) -> dict:
    """The column values, or a FieldError naming the first field at fault."""
    if fields.place_id is None and visible_place_ids(user) is not None:
        raise FieldError("Choose one of your places", "place_id")
    if fields.place_id is not None and not can_see_place(user, fields.place_id):
        raise FieldError("Choose one of your places", "place_id")
    event_format = EventFormat(fields.format)
    if event_format is not EventFormat.ONLINE and not fields.venue:
        raise FieldError("Enter the venue's name and address", "venue")
    if event_format is not EventFormat.IN_PERSON and not is_web_link(fields.joining_link):
        raise FieldError("Enter the joining link, starting with https://", "joining_link")
    if fields.map_url and not is_web_link(fields.map_url):
        raise FieldError("Enter the map link as a web address starting with https://", "map_url")
    starts_at = _instant(fields.day, fields.starts, zone, "starts")
    ends_at = _instant(fields.day, fields.ends, zone, "ends")
    if ends_at <= starts_at:
        raise FieldError("The end time must be after the start time", "ends")
    if starts_at <= now:
        raise FieldError("The date must be in the future", "day")
    closes_at = _instant(fields.replies_close_on, REPLIES_CLOSE_AT, zone, "replies_close_on")
    if fields.replies_close_on > fields.day:
        raise FieldError("Replies must close on or before the day of the event", "replies_close_on")
    if fields.replies_close_on == fields.day:
        closes_at = starts_at
    if fields.capacity < 1:
        raise FieldError("Enter a capacity of at least 1", "capacity")
    return {
        "title": fields.title,
        "purpose": fields.purpose,
        "involvement": InvolvementLevel(fields.involvement),
        "place_id": fields.place_id,
        "format": event_format,
        "venue": fields.venue if event_format is not EventFormat.ONLINE else "",
        "accessibility": fields.accessibility,
        "map_url": fields.map_url,
        "joining_link": fields.joining_link if event_format is not EventFormat.IN_PERSON else "",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "replies_close_at": closes_at,
        "survey_id": fields.survey_id,
        "decision_id": fields.decision_id,
        "listed_publicly": fields.listed_publicly,
        "registration_open": fields.registration_open,
        "registration_questions": checked_questions(fields.registration_questions),
    }


def create_event(
    session: Session, user: StaffUser, fields: EventFields, zone: str, now: datetime
) -> EngagementEvent:
    """Add an event, open for invitations; raises FieldError naming the field at fault."""
    values = _checked(user, fields, zone, now)
    event = EngagementEvent(
        **values,
        capacity=fields.capacity,
        status=EventStatus.OPEN,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    return event


def update_event(
    session: Session,
    event: EngagementEvent,
    user: StaffUser,
    fields: EventFields,
    zone: str,
    now: datetime,
    on_offer=None,
) -> None:
    """Change an event; raises FieldError naming the field at fault (a capacity below the
    confirmed count, among others). Extra places go to the waiting list at once."""
    if not can_organise(user, event):
        raise FieldError("Only the event's place team or the communications team can change it")
    if event.status is EventStatus.CANCELLED:
        raise FieldError("This event has been cancelled and can no longer be changed")
    values = _checked(user, fields, zone, now)
    change_capacity(session, event, fields.capacity, now, on_offer)
    for name, value in values.items():
        setattr(event, name, value)
    event.updated_at = now
    session.flush()


def fill_form_times(form, event: EngagementEvent, zone: str) -> None:
    """Put an event's instants on the form as local dates and times, and its choices."""
    tz = ZoneInfo(zone)
    starts, ends = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    form.day.data, form.starts.data, form.ends.data = starts.date(), starts.time(), ends.time()
    form.replies_close_on.data = event.replies_close_at.astimezone(tz).date()
    form.place_id.data = str(event.place_id) if event.place_id else ""
    form.survey_id.data = str(event.survey_id) if event.survey_id else ""
    form.decision_id.data = str(event.decision_id) if event.decision_id else ""
    form.involvement.data = event.involvement.value
    form.format.data = event.format.value
    form.registration_questions.data = "\n".join(event.registration_questions or [])
