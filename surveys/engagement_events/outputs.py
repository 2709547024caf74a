"""An event's notes and outputs: a summary of what happened, and findings that go straight into
the insight library (as event findings, dated the day of the event, for its place, with how many
attended), where decisions can pick them for "You said, we did". Services flush; the caller
commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from surveys.engagement_events.attendance import attendance_counts
from surveys.engagement_events.attendance_models import EventOutputs
from surveys.engagement_events.models import EngagementEvent, EventStatus
from surveys.insights.library import InsightFields, record_insight
from surveys.insights.models import InsightFinding, SourceKind


def outputs_for(session: Session, event: EngagementEvent) -> EventOutputs | None:
    """The event's notes and outputs, if any were written."""
    return session.get(EventOutputs, event.id)


def _after_event(event: EngagementEvent, now: datetime) -> None:
    if event.status is EventStatus.CANCELLED:
        raise FieldError("This event was cancelled, so it has no outputs", "summary")
    if now < event.starts_at:
        raise FieldError("Notes and outputs are written once the event has started", "summary")


def save_summary(
    session: Session, event: EngagementEvent, summary: str, user: StaffUser, now: datetime
) -> EventOutputs:
    """Save the summary of what happened. Raises FieldError before the event or if cancelled."""
    _after_event(event, now)
    summary = (summary or "").strip()
    if not summary:
        raise FieldError("Write a summary of what happened", "summary")
    outputs = outputs_for(session, event)
    if outputs is None:
        outputs = EventOutputs(event_id=event.id)
        session.add(outputs)
    outputs.summary, outputs.updated_by_id, outputs.updated_at = summary, user.id, now
    session.flush()
    record_audit(session, user, "event.outputs_edit", "engagement_event", [event.id], now=now)
    return outputs


@dataclass
class FindingFields:
    """A finding from the event, as typed on its notes and outputs page."""

    title: str
    summary: str
    topics: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    is_public: bool = False


def add_finding(
    session: Session,
    event: EngagementEvent,
    fields: FindingFields,
    user: StaffUser,
    zone: str,
    now: datetime,
) -> InsightFinding:
    """Add a finding from the event to the insight library. Raises FieldError (the library's
    own checks name the field) before the event or for a cancelled one."""
    try:
        _after_event(event, now)
    except FieldError as error:
        raise FieldError(error.message, "title") from None
    heard = attendance_counts(session, event).attended
    finding = record_insight(
        session,
        user,
        InsightFields(
            title=fields.title,
            summary=fields.summary,
            source_kind=SourceKind.EVENT.value,
            heard_on=event.starts_at.astimezone(ZoneInfo(zone)).date(),
            owner_name=user.name,
            source_name=event.title,
            survey_id=event.survey_id,
            decision_id=event.decision_id,
            place_id=event.place_id,
            topics=fields.topics,
            groups=fields.groups,
            people_heard=heard or None,
            involvement=event.involvement.value,
            is_public=fields.is_public,
        ),
        now,
    )
    finding.event_id = event.id
    session.flush()
    return finding


def event_findings(session: Session, event: EngagementEvent) -> list[InsightFinding]:
    """The findings recorded from the event, oldest first."""
    return list(
        session.scalars(
            sa.select(InsightFinding)
            .where(InsightFinding.event_id == event.id)
            .order_by(InsightFinding.id)
        )
    )
