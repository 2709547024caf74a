"""The check before a bulletin goes (sent now, scheduled, rescheduled or resent): the people it
reaches by place, the email for an example person, a test to oneself, and a confirm that acts
only if the audience and the bulletin are as the page showed them. The last part is what makes a
double schedule impossible: a second click, or the same confirm from another tab, finds the
bulletin already scheduled and changes nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins import rendering
from mailer.bulletins.models import Bulletin, BulletinRecipient, BulletinStatus, RecipientState
from mailer.bulletins.services import audience, schedule, send
from mailer.bulletins.sql import email_sha256
from mailer.models import EmailSuppression
from mailer.transport import preview_email
from panel.auth.models import StaffUser
from panel.members.mail_check import (
    EXAMPLE_NAME,
    AudienceChanged,
    MailCheck,
    audit_confirmation,
    check_mail,
    example_url,
    require_unchanged,
    send_test,
)
from panel.members.models import Member

#: people left out for these reasons still count as "on the do-not-email list" on the page.
_SUPPRESSION_REASONS = (audience.INCLUDED, "bounced", "complained", "suppressed")


def _example_context(bulletin: Bulletin) -> dict:
    context = rendering.person_context(bulletin, EXAMPLE_NAME)
    context.pop("unsubscribe_url", None)
    return context


def bulletin_email(bulletin: Bulletin):
    """The bulletin for an example person, with example links."""
    return preview_email("bulletin", _example_context(bulletin), example_url("unsubscribe"))


def state_of(bulletin: Bulletin) -> str:
    """The bulletin's status, send time and a hash of its words, carried by the confirm button
    (so a send confirmed is the one looked at, not one edited in another window since)."""
    send_at = bulletin.send_at.isoformat() if bulletin.send_at else ""
    words = [bulletin.title, bulletin.intro] + [
        f"{item.kind}|{item.title}|{item.body}|{item.link_url}|{item.link_text}|{item.survey_id}"
        for item in bulletin.items
    ]
    digest = hashlib.sha256("\x1f".join(words).encode()).hexdigest()[:16]
    return f"{bulletin.status.value}:{send_at}:{digest}"


def preview_send(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime):
    """Who the bulletin would reach if sending started now (the list is fixed then), by place.
    Raises AudienceError when the audience cannot be worked out."""
    ids = audience.audience_member_ids(session, bulletin, user, now)
    reason = audience._reason(now)
    rows = session.execute(
        audience._candidates(ids, now, Member.id, Member.email, Member.place_id).where(
            reason.in_(_SUPPRESSION_REASONS)
        )
    ).all()
    return check_mail(session, rows, bulletin_email(bulletin))


def schedule_checked(
    session: Session,
    bulletin: Bulletin,
    user: StaffUser,
    send_at: datetime,
    *,
    expected: str | None,
    state: str | None,
    now: datetime,
) -> MailCheck:
    """Schedule (or reschedule) the send if the bulletin and its audience are as the check page
    showed them; returns the check (audited with its count). Raises AudienceChanged,
    IllegalTransition, AudienceError or SpecialCategoryRefused."""
    if state != state_of(bulletin):
        raise AudienceChanged(
            "This bulletin was scheduled, sent or edited in another window since you looked "
            f"(it is now {bulletin.status.value}). Nothing was changed: check it again."
        )
    check = preview_send(session, bulletin, user, now)
    require_unchanged(check, expected)
    schedule.schedule_bulletin(session, bulletin, user, send_at, now)
    audit_confirmation(
        session, user, "bulletin.send_confirmed", "bulletin", bulletin.id, check.recipients, now
    )
    return check


def _unresolved(bulletin: Bulletin, now: datetime):
    return (
        sa.select(Member.id, Member.email, Member.place_id)
        .select_from(BulletinRecipient)
        .join(Member, Member.id == BulletinRecipient.member_id)
        .outerjoin(EmailSuppression, EmailSuppression.email_hash == email_sha256(Member.email))
        .where(
            BulletinRecipient.bulletin_id == bulletin.id,
            BulletinRecipient.state.in_([RecipientState.UNKNOWN, RecipientState.FAILED]),
            audience._reason(now).in_(_SUPPRESSION_REASONS),
        )
    )


def preview_resend(session: Session, bulletin: Bulletin, now: datetime) -> MailCheck:
    """Who "resend" would send to: the people whose batch failed or is unknown and who may
    still be emailed (the sender leaves out the rest), by place."""
    rows = session.execute(_unresolved(bulletin, now)).all()
    return check_mail(session, rows, bulletin_email(bulletin))


def resend_checked(
    session: Session, bulletin: Bulletin, user: StaffUser, expected: str | None, now: datetime
) -> int:
    """Send again to the people counted on the check page; returns how many go back in the
    queue. Raises AudienceChanged or IllegalTransition."""
    if bulletin.status is BulletinStatus.CANCELLED:
        raise AudienceChanged("This bulletin was cancelled: nothing was sent.")
    check = preview_resend(session, bulletin, now)
    require_unchanged(check, expected)
    send.resend_unresolved(session, bulletin, user, now)
    audit_confirmation(
        session, user, "bulletin.resend_confirmed", "bulletin", bulletin.id, check.recipients, now
    )
    return check.recipients


def send_test_bulletin(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime):
    """Queue the example bulletin to the staff user themselves (audited)."""
    context = _example_context(bulletin)
    context.pop("first_name", None)
    return send_test(
        session,
        user,
        template="bulletin",
        context=context,
        action="bulletin.check_test",
        object_type="bulletin",
        object_id=bulletin.id,
        now=now,
    )
