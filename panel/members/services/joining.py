"""Joining the panel: draft answers between steps, double opt-in, and the retention job."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import SuppressionReason, forget_member_emails, lift_suppression
from panel.audit.retention import JOIN_DRAFT_DAYS, UNCONFIRMED_SIGN_UP_DAYS, record_retention_run
from panel.email_requests import (
    EmailRequest,
    EmailRequestKind,
    email_request_handler,
    record_email_request,
)
from panel.members import reference
from panel.members.models import (
    ConsentBasis,
    ConsentKind,
    ConsentRecord,
    EqualityProfile,
    JoinDraft,
    Member,
    MemberStatus,
    RecruitmentSource,
)
from panel.members.services.links import (
    confirm_token,
    magic_link_token,
    queue_member_email,
)
from panel.tokens import InvalidToken, TokenPurpose, read_token

CONFIRM_MAX_AGE = 7 * 24 * 3600
UNCONFIRMED_RETENTION = timedelta(days=UNCONFIRMED_SIGN_UP_DAYS)
DRAFT_RETENTION = timedelta(days=JOIN_DRAFT_DAYS)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_draft(session: Session, token: str | None) -> JoinDraft | None:
    """The join draft the token belongs to, or None."""
    if not token:
        return None
    return session.scalar(sa.select(JoinDraft).where(JoinDraft.token_hash == _hash(token)))


def start_draft(session: Session, now: datetime) -> tuple[str, JoinDraft]:
    """A new, empty draft, made when the resident submits the first step (never on a visit);
    returns (token for the browser session, draft)."""
    token = secrets.token_urlsafe(24)
    draft = JoinDraft(token_hash=_hash(token), answers={}, updated_at=now)
    session.add(draft)
    session.flush()
    return token, draft


def save_answers(draft: JoinDraft, answers: dict, now: datetime) -> None:
    """Merge one step's answers into the draft (a new dict, so the JSON change is saved)."""
    draft.answers = {**(draft.answers or {}), **answers}
    draft.updated_at = now


def _record_consent(
    member: Member, kind: ConsentKind, given: bool, version: str, method: str, now: datetime
) -> None:
    member.consents.append(
        ConsentRecord(kind=kind, given=given, wording_version=version, method=method, at=now)
    )


def apply_equality(
    member: Member, answers: dict, consent: bool, now: datetime, method: str
) -> None:
    """Store equality answers only with explicit consent; without it, store and keep none."""
    had_consent = member.equality is not None
    if not consent:
        member.equality = None
        if had_consent:
            _record_consent(
                member,
                ConsentKind.SPECIAL_CATEGORY,
                False,
                reference.SPECIAL_CATEGORY_CONSENT_VERSION,
                method,
                now,
            )
        return
    values = {field: (answers.get(field) or None) for field in reference.EQUALITY_FIELDS}
    if not any(values.values()):
        member.equality = None
        return
    if member.equality is None:
        member.equality = EqualityProfile()
    for field, value in values.items():
        setattr(member.equality, field, value)
    member.equality.updated_at = now
    _record_consent(
        member,
        ConsentKind.SPECIAL_CATEGORY,
        True,
        reference.SPECIAL_CATEGORY_CONSENT_VERSION,
        method,
        now,
    )


def _apply_profile(member: Member, answers: dict) -> None:
    member.first_name = answers["first_name"]
    member.last_name = answers["last_name"]
    member.postcode = answers["postcode"]
    member.place_id = answers["place_id"]
    member.neighbourhood_id = answers.get("neighbourhood_id") or None
    member.age_band = answers.get("age_band") or None
    member.topics = list(answers.get("topics") or [])
    member.heard_from = answers.get("heard_from") or None
    # The language the resident joined in is the one their emails and pages start in.
    member.language = answers.get("language") or member.language


def submit_join(session: Session, answers: dict, now: datetime, method: str = "join form") -> None:
    """Finish joining: create or refresh a pending member and queue the right email.

    Whether the address is new, pending or already a member, the caller shows the same page and
    one email is queued, so the response reveals nothing about who is on the panel. ``method``
    says where the person asked to join (recorded with their consents).
    """
    email = answers["email"].strip().lower()
    member = session.scalar(sa.select(Member).where(Member.email == email))
    if member is not None and member.status is MemberStatus.ACTIVE:
        queue_member_email(
            session,
            member,
            template="member_already_joined",
            context={"first_name": member.first_name, "magic_link": magic_link_token(member)},
            idempotency_key=f"already:{member.id}:{secrets.token_hex(8)}",
            now=now,
        )
        return
    # Joining again is a fresh, explicit request: it lifts a suppression the person set
    # themselves (never one from a bounce or complaint).
    lift_suppression(session, email, {SuppressionReason.LEFT, SuppressionReason.UNSUBSCRIBED})
    if member is None:
        member = Member(
            email=email,
            status=MemberStatus.PENDING,
            created_at=now,
            consent_basis=ConsentBasis.SIGNUP,
        )
        session.add(member)
    _apply_profile(member, answers)
    source_code = answers.get("source_code")
    if source_code:
        member.recruitment_source_id = session.scalar(
            sa.select(RecruitmentSource.id).where(RecruitmentSource.code == source_code)
        )
    member.tracking_consent = bool(answers.get("tracking_consent"))
    _record_consent(
        member,
        ConsentKind.TRACKING,
        member.tracking_consent,
        reference.TRACKING_CONSENT_VERSION,
        method,
        now,
    )
    apply_equality(
        member,
        answers.get("equality") or {},
        bool(answers.get("equality_consent")),
        now,
        method,
    )
    session.flush()
    queue_member_email(
        session,
        member,
        template="member_confirm",
        context={"first_name": member.first_name, "token": confirm_token(member)},
        idempotency_key=f"confirm:{member.id}:{secrets.token_hex(8)}",
        now=now,
    )


def request_join(
    session: Session,
    draft: JoinDraft,
    tracking_consent: bool,
    now: datetime,
    language: str | None = None,
) -> None:
    """Finish the join form. The job makes or refreshes the member and queues their email
    (``handle_join_request``), so this request does the same work whether or not the address is
    already on the panel and its timing reveals nothing. ``language`` is the interface language
    the resident joined in: it becomes their preferred language."""
    save_answers(draft, {"tracking_consent": tracking_consent, "language": language}, now)
    session.flush()
    record_email_request(
        session, EmailRequestKind.JOIN, draft.answers["email"], now, join_draft_id=draft.id
    )


@email_request_handler(EmailRequestKind.JOIN)
def handle_join_request(session: Session, request: EmailRequest, now: datetime) -> None:
    """Join with the finished draft's answers, then delete the draft (and, with it, any repeat
    request for it from a double-clicked button)."""
    draft = session.get(JoinDraft, request.join_draft_id) if request.join_draft_id else None
    if draft is None:
        return
    submit_join(session, draft.answers, now)
    session.delete(draft)
    session.flush()


class AlreadyConfirmed(Exception):
    """The link was followed before: the member is already on the panel."""


def member_to_confirm(session: Session, token: str) -> Member:
    """The pending member an emailed confirm link names, changing nothing (its page shows a
    button; link scanners follow links). Raises InvalidToken or AlreadyConfirmed."""
    member_id, member_token = read_token(TokenPurpose.CONFIRM_SIGNUP, token, CONFIRM_MAX_AGE)
    member = session.get(Member, member_id)
    if member is None or member.status is MemberStatus.LEFT:
        raise InvalidToken()
    if member.status in (MemberStatus.ACTIVE, MemberStatus.INACTIVE):
        raise AlreadyConfirmed()
    if member.session_token != member_token:
        raise InvalidToken()
    return member


def confirm_membership(session: Session, token: str, now: datetime) -> Member:
    """Confirm from the emailed link: membership starts now. Raises InvalidToken or
    AlreadyConfirmed."""
    member = member_to_confirm(session, token)
    member.move_to(MemberStatus.ACTIVE)
    member.joined_at = now
    member.session_token = secrets.token_urlsafe(24)
    _record_consent(
        member,
        ConsentKind.MEMBERSHIP,
        True,
        reference.MEMBERSHIP_CONSENT_VERSION,
        "join form, confirmed by email",
        now,
    )
    return member


def purge_unconfirmed(session: Session, now: datetime) -> int:
    """Delete sign-ups never confirmed within 7 days, and stale join drafts. Safe to run twice."""
    return purge_sign_ups(session, now)["unconfirmed sign-ups"]


def purge_sign_ups(session: Session, now: datetime) -> dict[str, int]:
    """Delete sign-ups never confirmed within 7 days and join drafts untouched for a day;
    returns how many of each. Safe to run twice: a second run finds nothing."""
    stale = session.scalars(
        sa.select(Member.id).where(
            Member.status == MemberStatus.PENDING, Member.created_at < now - UNCONFIRMED_RETENTION
        )
    ).all()
    for chunk_start in range(0, len(stale), 500):
        chunk = stale[chunk_start : chunk_start + 500]
        forget_member_emails(session, chunk)
        session.execute(sa.delete(EqualityProfile).where(EqualityProfile.member_id.in_(chunk)))
        session.execute(sa.delete(ConsentRecord).where(ConsentRecord.member_id.in_(chunk)))
        session.execute(sa.delete(Member).where(Member.id.in_(chunk)))
    drafts = session.execute(
        sa.delete(JoinDraft).where(JoinDraft.updated_at < now - DRAFT_RETENTION)
    ).rowcount
    return {"unconfirmed sign-ups": len(stale), "join drafts": drafts or 0}


def apply_sign_up_retention(session: Session, now: datetime) -> dict[str, int]:
    """Delete sign-ups never confirmed and stale join drafts, and if anything went, write one
    audit event with the counts; returns the counts."""
    counts = purge_sign_ups(session, now)
    record_retention_run(session, "sign_ups", counts, now, object_type="member")
    return counts


def purge_unconfirmed_job(session: Session, now: datetime) -> int:
    """The scheduler's job: apply the sign-up retention rules; returns how many sign-ups went."""
    return apply_sign_up_retention(session, now)["unconfirmed sign-ups"]
