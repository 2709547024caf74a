"""The inactivity cycle: members silent for a configurable period are asked "are you still
interested?" (a round the comms team starts from a check page), answer with one click, and
without an answer by the deadline a job moves them to inactive: kept, counted apart, sent no
invitations or bulletins, back as soon as they sign in or use the link.

Nothing here changes anyone without notice: the round's page shows who and what before the
second click, the deadline is at least the notice period away, the activity page counts who
the job will move and when, and every step leaves an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.members import mail_check
from panel.members.mail_check import MailCheck
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from panel.members.services.staying import note_seen
from panel.segments.models import ContactKind, MemberContact
from panel.tokens import InvalidToken, TokenPurpose, make_token, read_token

TEMPLATE = "member_still_interested"
#: the "yes, keep me" link works this long (well past any deadline: it also brings people back).
KEEP_LINK_MAX_AGE = 365 * 24 * 60 * 60
#: contacts that show a member is still there (an invitation alone does not).
SIGNS_OF_LIFE = (ContactKind.SURVEY_RESPONSE, ContactKind.BULLETIN_OPEN)


@dataclass(frozen=True)
class InactivityRules:
    """How long is silent, and how long members have to answer."""

    silent_months: int
    notice_days: int

    def silent_since(self, now: datetime) -> datetime:
        """Members with no sign of life after this instant are silent (30-day months)."""
        return now - timedelta(days=30 * self.silent_months)

    def deadline(self, now: datetime) -> datetime:
        return now + timedelta(days=self.notice_days)


def inactivity_rules() -> InactivityRules:
    """The configured rules (INACTIVITY_SILENT_MONTHS, INACTIVITY_NOTICE_DAYS)."""
    config = current_app.config
    return InactivityRules(
        config.get("INACTIVITY_SILENT_MONTHS", 12), config.get("INACTIVITY_NOTICE_DAYS", 30)
    )


def last_activity():
    """A member's last sign of life: joining, signing in or "keep me", an answer, an opened
    bulletin (a correlated scalar over Member)."""
    contact = (
        sa.select(sa.func.max(MemberContact.at))
        .where(MemberContact.member_id == Member.id, MemberContact.kind.in_(SIGNS_OF_LIFE))
        .scalar_subquery()
    )
    return contact, sa.func.coalesce(Member.last_seen_at, Member.joined_at, Member.created_at)


def silent_members(rules: InactivityRules, now: datetime):
    """Active members not yet asked, who can be emailed, with no sign of life since the
    silent period began (a select of Member)."""
    since = rules.silent_since(now)
    recent = sa.select(MemberContact.member_id).where(
        MemberContact.kind.in_(SIGNS_OF_LIFE), MemberContact.at > since
    )
    _contact, seen = last_activity()
    return sa.select(Member).where(
        Member.status == MemberStatus.ACTIVE,
        Member.interest_asked_at.is_(None),
        Member.unsubscribed_at.is_(None),
        Member.unreachable_at.is_(None),
        Member.email.is_not(None),
        seen <= since,
        Member.id.not_in(recent),
    )


def keep_url(member: Member) -> str:
    """The member's "yes, keep me" address (signed; no sign-in needed)."""
    token = make_token(TokenPurpose.KEEP_ME, member.id)
    return f"{current_app.config['PUBLIC_BASE_URL']}/still-interested/{token}"


def _context(deadline: datetime) -> dict:
    # The template writes the day in the member's language (the local_date filter).
    return {"deadline": deadline}


def example_email(now: datetime) -> mail_check.RenderedEmail:
    """The email as it will arrive, for the example person."""
    context = {
        **_context(inactivity_rules().deadline(now)),
        "keep_url": mail_check.example_url("still-interested"),
    }
    return mail_check.example_email(TEMPLATE, context)


def check_round(session: Session, now: datetime) -> MailCheck:
    """Who a round would ask now (less the do-not-email list), by place, and the email."""
    rows = session.execute(
        silent_members(inactivity_rules(), now)
        .with_only_columns(Member.id, Member.email, Member.place_id)
        .order_by(Member.id)
    ).all()
    return mail_check.check_mail(session, rows, example_email(now), TEMPLATE)


def send_test(session: Session, user: StaffUser, now: datetime) -> None:
    """Queue the example email to the staff user themselves (audited)."""
    mail_check.send_test(
        session,
        user,
        template=TEMPLATE,
        context={
            **_context(inactivity_rules().deadline(now)),
            "keep_url": mail_check.example_url("still-interested"),
        },
        action="members.interest_test",
        object_type="staff_user",
        object_id=user.id,
        now=now,
    )


def start_round(session: Session, user: StaffUser, now: datetime, expected: str | None) -> int:
    """Ask exactly the people the check page counted (the second click) and set their deadline;
    returns how many were asked. Raises AudienceChanged (nothing sent) if the people differ
    from those the page showed (``expected``: its fingerprint)."""
    check = check_round(session, now)
    mail_check.require_unchanged(check, expected)
    rules = inactivity_rules()
    deadline = rules.deadline(now)
    asked = 0
    chosen = sorted(check.member_ids)
    for start in range(0, len(chosen), 500):
        members = session.scalars(
            sa.select(Member).where(Member.id.in_(chosen[start : start + 500]))
        )
        for member in members:
            email = queue_member_email(
                session,
                member,
                template=TEMPLATE,
                context={
                    "first_name": member.first_name,
                    "keep_url": keep_url(member),
                    **_context(deadline),
                },
                idempotency_key=f"still-interested:{member.id}:{now.isoformat()}",
                now=now,
            )
            if email is not None:
                member.interest_asked_at = now
                member.interest_deadline = deadline
                asked += 1
    session.flush()
    mail_check.audit_confirmation(
        session, user, "members.interest_round", "staff_user", user.id, asked, now
    )
    record_audit(
        session,
        user,
        "members.interest_deadline",
        "staff_user",
        [user.id],
        f"silent {rules.silent_months} months; answer by {deadline.date().isoformat()}",
        now,
    )
    return asked


@dataclass(frozen=True)
class RoundStatus:
    """Where the cycle stands: waiting for answers, and who the job will move when."""

    waiting: int
    #: the job moves these at its next run (their deadline has passed).
    due_now: int
    #: the earliest deadline still to come.
    next_deadline: datetime | None
    inactive: int


def round_status(session: Session, now: datetime) -> RoundStatus:
    """Counts for the activity page, shown before the job moves anyone."""
    asked = sa.select(sa.func.count(Member.id)).where(
        Member.status == MemberStatus.ACTIVE, Member.interest_deadline.is_not(None)
    )
    return RoundStatus(
        waiting=session.scalar(asked.where(Member.interest_deadline > now)) or 0,
        due_now=session.scalar(asked.where(Member.interest_deadline <= now)) or 0,
        next_deadline=session.scalar(
            sa.select(sa.func.min(Member.interest_deadline)).where(
                Member.status == MemberStatus.ACTIVE, Member.interest_deadline > now
            )
        ),
        inactive=session.scalar(
            sa.select(sa.func.count(Member.id)).where(Member.status == MemberStatus.INACTIVE)
        )
        or 0,
    )


def move_unanswered_to_inactive(session: Session, now: datetime) -> int:
    """The job: members whose deadline passed without an answer become inactive (audited, one
    entry per run). Anyone who answered a survey or opened a bulletin after being asked has
    answered too. Safe to run twice. Returns how many were moved."""
    is_due = sa.and_(
        Member.status == MemberStatus.ACTIVE,
        Member.interest_deadline.is_not(None),
        Member.interest_deadline <= now,
    )
    due = list(session.scalars(sa.select(Member).where(is_due)))
    if not due:
        return 0
    answered = set(
        session.scalars(
            sa.select(MemberContact.member_id)
            .join(Member, Member.id == MemberContact.member_id)
            .where(
                is_due,
                MemberContact.kind.in_(SIGNS_OF_LIFE),
                MemberContact.at >= Member.interest_asked_at,
            )
        )
    )
    moved = []
    for member in due:
        if member.id in answered:
            member.interest_asked_at = member.interest_deadline = None
            continue
        member.move_to(MemberStatus.INACTIVE)
        member.inactive_at = now
        member.interest_asked_at = member.interest_deadline = None
        moved.append(member.id)
    if moved:
        record_audit(
            session,
            None,
            "members.inactive",
            "member",
            moved,
            f"{len(moved)} moved to inactive: no answer by the deadline",
            now,
        )
    session.flush()
    return len(moved)


def member_for_keep_link(session: Session, token: str) -> Member:
    """The member a "yes, keep me" link names, changing nothing (its page has the button: mail
    scanners follow links). Raises InvalidToken."""
    member_id = read_token(TokenPurpose.KEEP_ME, token, KEEP_LINK_MAX_AGE)
    member = session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None or member.status not in (MemberStatus.ACTIVE, MemberStatus.INACTIVE):
        raise InvalidToken()
    return member


def keep_member(session: Session, token: str, now: datetime) -> Member:
    """The member said "yes, keep me": the question is answered, and an inactive member is
    active again (audited). Raises InvalidToken."""
    member = member_for_keep_link(session, token)
    if note_seen(member, now):
        record_audit(session, None, "members.came_back", "member", [member.id], "keep me", now)
    return member
