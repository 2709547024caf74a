"""The calendar entry (RFC 5545, with the icalendar package) sent with a confirmed place, so the
event goes into the attendee's calendar at the right time whatever their device's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from mailer.transport import Attachment
from surveys.engagement_events.models import EngagementEvent, EventFormat

PRODUCT_ID = "-//NHS Lancashire and South Cumbria ICB//Citizens' panel//EN"


def event_calendar(
    event: EngagementEvent, *, joining_link: str, public_base_url: str, now: datetime
) -> bytes:
    """One VEVENT with times in UTC (no time-zone table to get wrong: calendars show it in
    local time), a stable UID so an updated entry replaces the first, and the joining link only
    when the caller gives it (confirmed attendees)."""
    host = public_base_url.split("//", 1)[-1].split("/", 1)[0] or "panel"
    entry = Event()
    entry.add("uid", f"engagement-event-{event.id}@{host}")
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    description = [event.purpose.strip()] if event.purpose.strip() else []
    if event.format is not EventFormat.IN_PERSON and joining_link:
        description.append(f"Join online: {joining_link}")
        entry.add("url", joining_link)
    if event.accessibility.strip():
        description.append(f"Access: {event.accessibility.strip()}")
    if description:
        entry.add("description", "\n\n".join(description))
    if event.format is EventFormat.ONLINE:
        entry.add("location", "Online")
    elif event.venue:
        entry.add("location", event.venue)
    entry.add("status", "CONFIRMED")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(entry)
    return calendar.to_ical()


def calendar_attachment(event: EngagementEvent, **kwargs) -> Attachment:
    """The entry as an email attachment."""
    return Attachment("event.ics", "text/calendar", event_calendar(event, **kwargs))
