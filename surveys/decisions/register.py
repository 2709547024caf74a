"""Keeping the decisions register: record and edit a decision, link the involvement behind it,
move its status and put it on the public register. Every change is audited; place teams keep
only their own places' decisions (panel.auth.access decides who sees what)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.audit.services import record_audit
from panel.auth.access import can_see_place, scope_to_places
from panel.auth.models import StaffUser
from panel.domain_events import EventType, emit
from panel.field_errors import FieldError
from panel.places.models import Place
from panel.state_machine import IllegalTransition
from panel.web_links import is_web_link
from surveys.decisions.models import (
    BodyKind,
    DecisionLink,
    DecisionRecord,
    DecisionStatus,
    DecisionStatusChange,
    LinkKind,
    LinkOutcome,
    OtherKind,
)
from surveys.insights.library import can_read as can_read_insight
from surveys.insights.models import InsightFinding
from surveys.models import Survey


class DecisionError(FieldError):
    """The change cannot be made; the message says why (shown next to the field it names)."""


@dataclass
class DecisionFields:
    """What staff type about a decision (the form's values, as plain Python)."""

    title: str
    summary: str
    decided_on: date
    body_kind: str
    body_name: str
    place_id: int | None
    paper_reference: str
    paper_url: str
    owner_name: str
    duty_applies: bool | None
    duty_reason: str
    no_involvement_reason: str
    status: str = DecisionStatus.PROPOSED.value


@dataclass
class LinkFields:
    """What staff type about one piece of involvement behind a decision."""

    kind: str
    people_said: str
    outcome: str
    how_used: str
    survey_id: int | None = None
    earlier_decision_id: int | None = None
    insight_id: int | None = None
    other_kind: str = ""
    other_title: str = ""
    other_date: date | None = None
    other_url: str = ""


def visible_decisions(user: StaffUser):
    """A select() of the decisions the user may see (a place team: its places' only), their
    links and place loaded with them (lists show both)."""
    query = sa.select(DecisionRecord).options(
        selectinload(DecisionRecord.links), selectinload(DecisionRecord.place)
    )
    return scope_to_places(query, user, DecisionRecord.place_id)


def decisions_for(session: Session, user: StaffUser) -> list[DecisionRecord]:
    """The decisions the user may see, latest date first."""
    query = visible_decisions(user).order_by(
        DecisionRecord.decided_on.desc(), DecisionRecord.id.desc()
    )
    return list(session.scalars(query))


def linkable_surveys(session: Session, user: StaffUser) -> list[Survey]:
    """The surveys the user may link a decision to (closed or not: a decision may use early
    findings), newest first."""
    query = scope_to_places(sa.select(Survey), user, Survey.place_id)
    return list(session.scalars(query.order_by(Survey.id.desc())))


def _enum(enum_class, value: str, field: str, message: str):
    try:
        return enum_class(value)
    except ValueError:
        raise DecisionError(message, field) from None


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DecisionError(message, field)
    return value


def _web_address(value: str, field: str) -> str:
    value = (value or "").strip()
    if value and not is_web_link(value):
        raise DecisionError("Enter a web address starting with https:// or http://", field)
    return value


def _check_fields(session: Session, user: StaffUser, fields: DecisionFields, now: datetime):
    title = _required(fields.title, "title", "Enter the decision's title")
    kind = _enum(BodyKind, fields.body_kind, "body_kind", "Choose the kind of body deciding")
    body_name = _required(fields.body_name, "body_name", "Enter the name of the deciding body")
    owner = _required(fields.owner_name, "owner_name", "Enter the name of the decision's owner")
    if fields.duty_applies is None:
        raise DecisionError("Say whether the duty to involve the public applies", "duty_applies")
    reason = _required(
        fields.duty_reason, "duty_reason", "Say why the duty to involve applies or does not"
    )
    if fields.place_id is not None and session.get(Place, fields.place_id) is None:
        raise DecisionError("Choose a place from the list", "place_id")
    if not can_see_place(user, fields.place_id):
        raise DecisionError("Choose one of your places", "place_id")
    if fields.decided_on is None:
        raise DecisionError("Enter the date of the decision", "decided_on")
    return {
        "title": title,
        "summary": (fields.summary or "").strip(),
        "decided_on": fields.decided_on,
        "body_kind": kind,
        "body_name": body_name,
        "place_id": fields.place_id,
        "paper_reference": (fields.paper_reference or "").strip(),
        "paper_url": _web_address(fields.paper_url, "paper_url"),
        "owner_name": owner,
        "duty_applies": fields.duty_applies,
        "duty_reason": reason,
        "no_involvement_reason": (fields.no_involvement_reason or "").strip(),
    }


def _check_made_date(status: DecisionStatus, decided_on: date, now: datetime) -> None:
    if status is not DecisionStatus.PROPOSED and decided_on > now.date():
        raise DecisionError(
            "A decision already made cannot have a date in the future", "decided_on"
        )


def create_decision(
    session: Session, user: StaffUser, fields: DecisionFields, now: datetime
) -> DecisionRecord:
    """Record a decision (not yet public); raises DecisionError naming the field at fault."""
    values = _check_fields(session, user, fields, now)
    status = _enum(DecisionStatus, fields.status, "status", "Choose the decision's status")
    _check_made_date(status, values["decided_on"], now)
    decision = DecisionRecord(
        **values, status=status, created_by_id=user.id, created_at=now, updated_at=now
    )
    session.add(decision)
    session.flush()
    session.add(
        DecisionStatusChange(
            decision_id=decision.id, status=status, changed_at=now, changed_by_id=user.id
        )
    )
    record_audit(session, user, "decision.create", "decision", [decision.id], now=now)
    return decision


def update_decision(
    session: Session,
    decision: DecisionRecord,
    user: StaffUser,
    fields: DecisionFields,
    now: datetime,
) -> DecisionRecord:
    """Change a decision's details (its status moves through change_status)."""
    values = _check_fields(session, user, fields, now)
    _check_made_date(decision.status, values["decided_on"], now)
    if decision.published_at and not decision.links and not values["no_involvement_reason"]:
        raise DecisionError(
            "Say why no public involvement informed this decision", "no_involvement_reason"
        )
    for name, value in values.items():
        setattr(decision, name, value)
    decision.updated_at = now
    record_audit(session, user, "decision.edit", "decision", [decision.id], now=now)
    return decision


def _note_we_did(decision: DecisionRecord, now: datetime) -> None:
    """The moment the public page first shows a made decision with its "we did"."""
    if (
        decision.we_did_published_at is None
        and decision.published_at is not None
        and decision.is_made
        and decision.links
    ):
        decision.we_did_published_at = now


def change_status(
    session: Session, decision: DecisionRecord, user: StaffUser, status: str, now: datetime
) -> DecisionRecord:
    """Move the decision on (proposed, made, implemented, reviewed); raises DecisionError for a
    move that is not allowed."""
    new = _enum(DecisionStatus, status, "status", "Choose the new status")
    _check_made_date(new, decision.decided_on, now)
    try:
        decision.move_to(new)
    except IllegalTransition as error:
        raise DecisionError(str(error), "status") from None
    decision.updated_at = now
    session.add(
        DecisionStatusChange(
            decision_id=decision.id, status=new, changed_at=now, changed_by_id=user.id
        )
    )
    _note_we_did(decision, now)
    record_audit(session, user, "decision.status", "decision", [decision.id], new.value, now=now)
    return decision


def publish(session: Session, decision: DecisionRecord, user: StaffUser, now: datetime) -> None:
    """Put the decision on the public register; one without involvement needs the reason."""
    if decision.published_at is not None:
        raise DecisionError("The decision is already on the public register")
    if not decision.links and not decision.no_involvement_reason.strip():
        raise DecisionError(
            "Add the involvement that informed it, or say why there was none, before publishing"
        )
    decision.published_at = now
    _note_we_did(decision, now)
    record_audit(session, user, "decision.publish", "decision", [decision.id], now=now)
    emit(session, EventType.DECISION_RECORDED, decision.id, decision.place_id, now)


def unpublish(session: Session, decision: DecisionRecord, user: StaffUser, now: datetime) -> None:
    """Take the decision off the public register (audited; the measures keep the first date)."""
    if decision.published_at is not None:
        decision.published_at = None
        record_audit(session, user, "decision.unpublish", "decision", [decision.id], now=now)


def add_link(
    session: Session,
    decision: DecisionRecord,
    user: StaffUser,
    fields: LinkFields,
    now: datetime,
) -> DecisionLink:
    """Link a piece of involvement to the decision, with what people said and how it was used."""
    kind = _enum(LinkKind, fields.kind, "kind", "Choose what informed the decision")
    link = DecisionLink(decision_id=decision.id, kind=kind, created_at=now)
    if kind is LinkKind.SURVEY:
        survey = session.get(Survey, fields.survey_id) if fields.survey_id else None
        if survey is None or not can_see_place(user, survey.place_id):
            raise DecisionError("Choose a survey from the list", "survey_id")
        link.survey_id = survey.id
    elif kind is LinkKind.DECISION:
        earlier = session.get(DecisionRecord, fields.earlier_decision_id or 0)
        if (
            earlier is None
            or earlier.id == decision.id
            or not can_see_place(user, earlier.place_id)
        ):
            raise DecisionError("Choose an earlier decision from the list", "earlier_decision_id")
        link.earlier_decision_id = earlier.id
    elif kind is LinkKind.INSIGHT:
        finding = session.get(InsightFinding, fields.insight_id) if fields.insight_id else None
        if finding is None or not can_read_insight(user, finding):
            raise DecisionError("Choose a finding from the insight library", "insight_id")
        link.insight_id = finding.id
    else:
        link.other_kind = _enum(
            OtherKind, fields.other_kind, "other_kind", "Choose the kind of involvement"
        )
        link.other_title = _required(
            fields.other_title, "other_title", "Enter the title of the involvement"
        )
        if fields.other_date is None:
            raise DecisionError("Enter the date of the involvement", "other_date")
        link.other_date = fields.other_date
        link.other_url = _web_address(fields.other_url, "other_url")
    link.people_said = _required(fields.people_said, "people_said", "Say what people told us")
    link.outcome = _enum(LinkOutcome, fields.outcome, "outcome", "Choose how it was used")
    link.how_used = _required(
        fields.how_used,
        "how_used",
        "Say what we did" if link.outcome is LinkOutcome.DID else "Say why we did not",
    )
    decision.links.append(link)
    session.flush()
    decision.updated_at = now
    _note_we_did(decision, now)
    record_audit(session, user, "decision.link", "decision", [decision.id], kind.value, now=now)
    return link


def remove_link(
    session: Session, decision: DecisionRecord, user: StaffUser, link_id: int, now: datetime
) -> None:
    """Remove one link; a public decision keeps at least one, or a reason for having none."""
    link = next((item for item in decision.links if item.id == link_id), None)
    if link is None:
        return
    if decision.published_at and len(decision.links) == 1 and not decision.no_involvement_reason:
        raise DecisionError(
            "This is the public decision's only involvement: say why there was none first"
        )
    decision.links.remove(link)
    decision.updated_at = now
    record_audit(session, user, "decision.unlink", "decision", [decision.id], now=now)
