"""Staff entering answers gathered on paper, by phone or at an event: each entry is a response
like any other, marked with its channel, answered through the same pages and checks as online,
and counted the same. A paper copy's reference can be entered once only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from surveys.fieldwork.branching import require_open
from surveys.fieldwork.models import (
    CHANNEL_LABELS,
    PaperCopy,
    ResponseChannel,
    ResponseEntry,
    ResponseStatus,
    SurveyResponse,
)
from surveys.fieldwork.paper import BadReference, printed, read_reference
from surveys.fieldwork.tokens import new_resume_token
from surveys.models import Survey

#: the channels staff enter answers for (partner: a partner's own entries, not built yet).
STAFF_CHANNELS = (ResponseChannel.PAPER, ResponseChannel.PHONE, ResponseChannel.EVENT)
_LONDON = ZoneInfo("Europe/London")


class EntryRefused(Exception):
    """The entry cannot start; ``field`` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class PaperCopyEntered(EntryRefused):
    """This paper copy's answers were entered already (its entry is unique)."""


@dataclass(frozen=True)
class EntryFacts:
    """What the answering pages say about an entered response."""

    channel: str
    reference: str  # printed, or "" for phone and event entries


def start_entry(
    session: Session,
    survey: Survey,
    user: StaffUser,
    channel: ResponseChannel | str,
    typed_reference: str,
    now: datetime,
) -> tuple[SurveyResponse, str]:
    """A new response entered by ``user`` for answers gathered by ``channel`` (a paper copy
    names its reference), and the token of the answering pages it is filled in on (audited).
    A paper copy whose entry the same user started and has not sent is carried on with instead
    (the same response, a new token: the old one stops working). Raises SurveyClosed,
    EntryRefused and PaperCopyEntered, also when another entry of the same copy commits first
    (the unique entry of a copy decides; the savepoint keeps the caller's transaction usable)."""
    require_open(survey, now)
    try:
        channel = ResponseChannel(channel)
    except ValueError:
        channel = None
    if channel not in STAFF_CHANNELS:
        raise EntryRefused("channel", "Choose how the answers were gathered")
    copy = (
        _paper_copy(session, survey, typed_reference) if channel is ResponseChannel.PAPER else None
    )
    if copy is not None:
        unfinished = _unfinished_entry_of(session, copy, user)
        if unfinished is not None:
            return _carry_on(session, unfinished, user, copy, now)
        _refuse_if_entered(session, copy)
    token, token_hash = new_resume_token()
    try:
        with session.begin_nested():
            response = SurveyResponse(
                survey_id=survey.id,
                token_hash=token_hash,
                channel=channel,
                started_at=now,
                updated_at=now,
                source=CHANNEL_LABELS[channel],
            )
            session.add(response)
            session.flush()
            session.add(
                ResponseEntry(
                    response_id=response.id,
                    entered_by_id=user.id,
                    entered_at=now,
                    paper_copy_id=copy.id if copy is not None else None,
                )
            )
    except IntegrityError:
        if copy is None:
            raise
        _refuse_if_entered(session, copy)
        raise
    detail = f"{channel.value} {printed(copy.reference)}" if copy else channel.value
    record_audit(session, user, "survey.entry", "survey_response", [response.id], detail, now=now)
    return response, token


def _paper_copy(session: Session, survey: Survey, typed: str) -> PaperCopy:
    try:
        reference = read_reference(typed)
    except BadReference as error:
        raise EntryRefused("reference", str(error)) from error
    copy = session.scalar(
        sa.select(PaperCopy).where(
            PaperCopy.reference == reference, PaperCopy.survey_id == survey.id
        )
    )
    if copy is None:
        raise EntryRefused(
            "reference",
            f"No paper copy of this survey has the reference {printed(reference)}: check it "
            "against the copy",
        )
    return copy


def _unfinished_entry_of(
    session: Session, copy: PaperCopy, user: StaffUser
) -> SurveyResponse | None:
    """The response this user started entering from this copy and has not sent, if any."""
    return session.scalar(
        sa.select(SurveyResponse)
        .join(ResponseEntry, ResponseEntry.response_id == SurveyResponse.id)
        .where(
            ResponseEntry.paper_copy_id == copy.id,
            ResponseEntry.entered_by_id == user.id,
            SurveyResponse.status == ResponseStatus.IN_PROGRESS,
        )
    )


def _carry_on(
    session: Session, response: SurveyResponse, user: StaffUser, copy: PaperCopy, now: datetime
) -> tuple[SurveyResponse, str]:
    token, token_hash = new_resume_token()
    response.token_hash = token_hash
    record_audit(
        session,
        user,
        "survey.entry_resumed",
        "survey_response",
        [response.id],
        f"paper {printed(copy.reference)}",
        now=now,
    )
    return response, token


def _refuse_if_entered(session: Session, copy: PaperCopy) -> None:
    found = session.execute(
        sa.select(ResponseEntry.entered_at, StaffUser.name, SurveyResponse.status)
        .join(SurveyResponse, SurveyResponse.id == ResponseEntry.response_id)
        .outerjoin(StaffUser, StaffUser.id == ResponseEntry.entered_by_id)
        .where(ResponseEntry.paper_copy_id == copy.id)
    ).first()
    if found is None:
        return
    entered_at, name, status = found
    day = entered_at.astimezone(_LONDON)
    message = f"This paper copy was entered on {day.day} {day:%B %Y} by {name or 'a former user'}"
    if status is ResponseStatus.IN_PROGRESS:
        message += " (its answers have not been sent yet)"
    raise PaperCopyEntered("reference", message)


def entry_facts(session: Session, response: SurveyResponse) -> EntryFacts | None:
    """What the answering pages say about a response entered by staff; None for online ones."""
    if response.channel is ResponseChannel.ONLINE:
        return None
    reference = session.scalar(
        sa.select(PaperCopy.reference)
        .join(ResponseEntry, ResponseEntry.paper_copy_id == PaperCopy.id)
        .where(ResponseEntry.response_id == response.id)
    )
    return EntryFacts(CHANNEL_LABELS[response.channel], printed(reference) if reference else "")


def record_entry_sent(session: Session, response: SurveyResponse, now: datetime) -> None:
    """Audit the sending of an entered response, in the name of whoever entered it."""
    entered_by = session.scalar(
        sa.select(StaffUser)
        .join(ResponseEntry, ResponseEntry.entered_by_id == StaffUser.id)
        .where(ResponseEntry.response_id == response.id)
    )
    record_audit(
        session,
        entered_by,
        "survey.entry_sent",
        "survey_response",
        [response.id],
        response.channel.value,
        now=now,
    )


@dataclass(frozen=True)
class CopyRow:
    """One paper copy on the staff list: its reference and, once entered, when and by whom."""

    reference: str
    entered_at: datetime | None
    entered_by: str
    sent: bool


def paper_copies(session: Session, survey: Survey) -> list[CopyRow]:
    """The survey's paper copies, oldest first, each with its entry if it has one."""
    rows = session.execute(
        sa.select(
            PaperCopy.reference, ResponseEntry.entered_at, StaffUser.name, SurveyResponse.status
        )
        .outerjoin(ResponseEntry, ResponseEntry.paper_copy_id == PaperCopy.id)
        .outerjoin(SurveyResponse, SurveyResponse.id == ResponseEntry.response_id)
        .outerjoin(StaffUser, StaffUser.id == ResponseEntry.entered_by_id)
        .where(PaperCopy.survey_id == survey.id)
        .order_by(PaperCopy.id)
    )
    return [
        CopyRow(printed(reference), at, name or "", status is ResponseStatus.SUBMITTED)
        for reference, at, name, status in rows
    ]
