"""The member's own controls: profile, pause, consent, data export, leaving (signing in is in
signing_in)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import (
    OPT_OUT_LISTENERS,
    SuppressionReason,
    emails_for_member,
    forget_member_emails,
    lift_suppression,
    suppress,
)
from panel.members import reference
from panel.members.models import ConsentKind, ConsentRecord, Member, MemberStatus
from panel.members.services.joining import _record_consent, apply_equality


def update_details(
    member: Member,
    *,
    first_name: str,
    last_name: str,
    postcode: str,
    place_id: int,
    neighbourhood_id: int | None,
    age_band: str | None,
    topics: list[str],
    language: str | None = None,
) -> None:
    """Set the details a member may change themselves: name, postcode, place, profile answers
    and the language of their emails (None leaves it as it is)."""
    member.first_name = first_name
    member.last_name = last_name
    member.postcode = postcode
    member.place_id = place_id
    member.neighbourhood_id = neighbourhood_id
    member.age_band = age_band
    member.topics = list(topics)
    if language:
        member.language = language


def set_tracking_consent(member: Member, consent: bool, now: datetime) -> None:
    """Record the member's answer to the tracking question when it changes."""
    if member.tracking_consent != consent:
        member.tracking_consent = consent
        _record_consent(
            member,
            ConsentKind.TRACKING,
            consent,
            reference.TRACKING_CONSENT_VERSION,
            "member area",
            now,
        )


def pause_invitations(member: Member, until: datetime | None) -> None:
    """Pause survey invitations until ``until`` (None resumes them); the bulletin still comes."""
    member.paused_until = until


def pause_bulletin(member: Member, until: datetime | None) -> None:
    """Pause the bulletin until ``until`` (None resumes it); survey invitations are unchanged."""
    member.bulletin_paused_until = until


def choose_pauses(
    member: Member, invitation_months: int | None, bulletin_months: int | None, now: datetime
) -> None:
    """Apply the member's two separate choices: None leaves that pause as it is, 0 ends it, a
    number of months pauses from ``now`` for that long (30 days a month)."""
    choices = ((invitation_months, pause_invitations), (bulletin_months, pause_bulletin))
    for months, pause in choices:
        if months is not None:
            pause(member, now + timedelta(days=30 * months) if months else None)


#: Called as f(session, member, source, now) after an unsubscribe that names where the link
#: came from (``source``, e.g. a bulletin's attribution token); the mailer counts them per send.
UNSUBSCRIBE_LISTENERS: list[Callable[[Session, Member, str, datetime], None]] = []


def unsubscribe(
    session: Session, member: Member, now: datetime, method: str, source: str = ""
) -> None:
    """Stop every panel email at once (idempotent)."""
    if member.unsubscribed_at is None:
        member.unsubscribed_at = now
        _record_consent(member, ConsentKind.MEMBERSHIP, False, "emails-2026-11", method, now)
    if member.email:
        suppress(session, member.email, SuppressionReason.UNSUBSCRIBED, now)
    if source:
        for listener in UNSUBSCRIBE_LISTENERS:
            listener(session, member, source, now)


def record_provider_opt_out(session: Session, address: str, now: datetime) -> None:
    """The mail provider says this address unsubscribed or complained: stop the member's
    panel emails too (the transport has already suppressed the address)."""
    session.execute(
        sa.update(Member)
        .where(Member.email == address.strip().lower(), Member.unsubscribed_at.is_(None))
        .values(unsubscribed_at=now)
    )


if record_provider_opt_out not in OPT_OUT_LISTENERS:
    OPT_OUT_LISTENERS.append(record_provider_opt_out)


def resubscribe(session: Session, member: Member, now: datetime) -> None:
    """Subscribe the member again: consent recorded, their unsubscribe suppression lifted."""
    if member.unsubscribed_at is not None:
        member.unsubscribed_at = None
        _record_consent(member, ConsentKind.MEMBERSHIP, True, "emails-2026-11", "member area", now)
    lift_suppression(session, member.email, {SuppressionReason.UNSUBSCRIBED})


#: Each domain that stores something about a member adds a function here, so the export always
#: covers every table that refers to the member (surveys and bulletins register theirs).
MEMBER_DATA_SECTIONS: list[Callable[[Session, Member], tuple[str, object]]] = []


def member_data_section(*tables: str):
    """Register an export section and the tables it covers (a test checks every table that
    refers to members is covered by some section)."""

    def register(function):
        function.tables = tables
        MEMBER_DATA_SECTIONS.append(function)
        return function

    return register


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@member_data_section("members")
def _profile_section(session: Session, member: Member):
    return "profile", {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "postcode": member.postcode,
        "place": member.place.name if member.place else None,
        "neighbourhood": member.neighbourhood.name if member.neighbourhood else None,
        "age_band": reference.label_for(reference.AGE_BANDS, member.age_band) or None,
        "topics": [reference.label_for(reference.TOPICS, t) for t in member.topics or []],
        "preferred_format": reference.label_for(reference.FORMATS, member.preferred_format) or None,
        "language": reference.label_for(reference.LANGUAGES, member.language) or None,
        "heard_about_the_panel_from": reference.label_for(reference.HEARD_FROM, member.heard_from)
        or None,
        "recruited_through": member.recruitment_source.name if member.recruitment_source else None,
        "status": member.status.value,
        "joined_at": _iso(member.joined_at),
        "signed_up_at": _iso(member.created_at),
        "invitations_paused_until": _iso(member.paused_until),
        "bulletin_paused_until": _iso(member.bulletin_paused_until),
        "unsubscribed_at": _iso(member.unsubscribed_at),
        "email_tracking_consent": member.tracking_consent,
        "last_signed_in_or_kept_at": _iso(member.last_seen_at),
        "asked_if_still_interested_at": _iso(member.interest_asked_at),
        "answer_still_interested_by": _iso(member.interest_deadline),
        "moved_to_inactive_at": _iso(member.inactive_at),
        "emails_undeliverable_since": _iso(member.unreachable_at),
        "emails_undeliverable_because": member.unreachable_reason,
    }


@member_data_section("member_equality")
def _equality_section(session: Session, member: Member):
    if member.equality is None:
        return "equality_monitoring", None
    return "equality_monitoring", {
        q.field: reference.label_for(q.options, getattr(member.equality, q.field)) or None
        for q in reference.EQUALITY_QUESTIONS
    }


@member_data_section("consent_records")
def _consent_section(session: Session, member: Member):
    return "consents", [
        {
            "kind": c.kind.value,
            "given": c.given,
            "wording_version": c.wording_version,
            "method": c.method,
            "at": _iso(c.at),
        }
        for c in member.consents
    ]


@member_data_section("outbound_emails")
def _emails_section(session: Session, member: Member):
    emails = emails_for_member(session, member.id)
    return "emails_sent_to_you", [
        {
            "subject": e.subject,
            "kind": e.kind,
            "status": e.status.value,
            "queued_at": _iso(e.created_at),
            "sent_at": _iso(e.sent_at),
        }
        for e in emails
    ]


def export_member_data(session: Session, member: Member) -> dict:
    """Everything we hold about the member, readable by a person and a machine."""
    return dict(section(session, member) for section in MEMBER_DATA_SECTIONS)


#: Each domain that links records to a member adds a function here that unlinks or deletes them
#: at erasure (survey answers are kept only without the link, as the privacy notice says).
ERASURE_STEPS: list[Callable[[Session, Member, datetime], None]] = []


def erasure_step(*tables: str):
    """Register an erasure step and the tables it cleans (checked by a test, as for exports)."""

    def register(function):
        function.tables = tables
        ERASURE_STEPS.append(function)
        return function

    return register


@erasure_step("outbound_emails")
def _erase_emails(session: Session, member: Member, now: datetime) -> None:
    forget_member_emails(session, [member.id])


#: steps that remove copies of a member's equality answers when they withdraw their consent
#: (survey responses keep a copy from the moment they were sent).
EQUALITY_WITHDRAWAL_STEPS: list[Callable[[Session, Member], None]] = []


def equality_withdrawal_step(function):
    """Register a step run when a member withdraws consent to their equality answers."""
    EQUALITY_WITHDRAWAL_STEPS.append(function)
    return function


def withdraw_equality(session: Session, member: Member, now: datetime, method: str) -> None:
    """Delete the member's equality answers and every copy of them, at once (quality bar 16),
    recording the withdrawal of consent."""
    apply_equality(member, {}, False, now, method)
    for step in EQUALITY_WITHDRAWAL_STEPS:
        step(session, member)


def erase_member(session: Session, member: Member, now: datetime, method: str) -> None:
    """Leave the panel: personal data removed at once; the address kept only as a hash so it is
    never emailed again; the row stays as an anonymous count of people who left."""
    if member.email:
        suppress(session, member.email, SuppressionReason.LEFT, now)
    for step in EQUALITY_WITHDRAWAL_STEPS:
        step(session, member)
    for step in ERASURE_STEPS:
        step(session, member, now)
    member.equality = None
    member.email = None
    member.first_name = None
    member.last_name = None
    member.postcode = None
    member.neighbourhood_id = None
    member.age_band = None
    member.topics = []
    member.preferred_format = None
    member.language = None
    member.heard_from = None
    member.move_to(MemberStatus.LEFT)
    member.left_at = now
    member.session_token = secrets.token_urlsafe(24)
    session.add(
        ConsentRecord(
            member_id=member.id,
            kind=ConsentKind.MEMBERSHIP,
            given=False,
            wording_version=reference.MEMBERSHIP_CONSENT_VERSION,
            method=method,
            at=now,
        )
    )
