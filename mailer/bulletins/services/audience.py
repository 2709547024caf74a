"""Who a bulletin goes to: the whole panel or a saved segment, inside the sender's places, less
everyone who must not be emailed; fixed into the ledger with one INSERT ... SELECT."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import AudienceKind, Bulletin, BulletinRecipient, RecipientState
from mailer.bulletins.sql import email_sha256
from mailer.models import EmailSuppression
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member, MemberStatus
from panel.segments.services.segments import segment_member_query
from panel.segments.services.special_category import SpecialCategoryRefused, Use

INCLUDED = "included"
#: reasons in the order they are tested (a member is counted under the first that applies);
#: "paused" is the member's bulletin pause, not their survey invitations pause.
EXCLUSION_REASONS = (
    "pending",
    "inactive",
    "left",
    "unsubscribed",
    "paused",
    "bounced",
    "complained",
    "suppressed",
)


class AudienceError(ValueError):
    """The audience cannot be worked out (the segment was deleted, nobody scheduled it)."""


def audience_member_ids(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime):
    """A select of member ids: the audience before exclusions, within ``user``'s places.
    Raises AudienceError (also when the equality-data rule refuses the segment to ``user``)."""
    if bulletin.audience is AudienceKind.SEGMENT:
        if bulletin.segment is None:
            raise AudienceError("The segment this bulletin was for no longer exists")
        try:
            query = segment_member_query(session, bulletin.segment, user, now, use=Use.BULLETIN)
        except SpecialCategoryRefused as error:
            raise AudienceError(str(error)) from error
        query = query.with_only_columns(Member.id).order_by(None)
    else:
        query = scope_to_places(sa.select(Member.id), user, Member.place_id)
    if bulletin.place_id is not None:
        # A place team's bulletin stays in its place whoever presses send.
        query = query.where(Member.place_id == bulletin.place_id)
    return query


def _reason(now: datetime):
    return sa.case(
        (Member.status == MemberStatus.PENDING, "pending"),
        # Did not answer "are you still interested?" (panel.activity): kept, not emailed.
        (Member.status == MemberStatus.INACTIVE, "inactive"),
        (sa.or_(Member.status != MemberStatus.ACTIVE, Member.email.is_(None)), "left"),
        (Member.unsubscribed_at.is_not(None), "unsubscribed"),
        # The member's bulletin pause only: pausing survey invitations never stops the bulletin.
        (
            sa.and_(Member.bulletin_paused_until.is_not(None), Member.bulletin_paused_until > now),
            "paused",
        ),
        (EmailSuppression.reason.in_(["bounced", "complained"]), EmailSuppression.reason),
        (EmailSuppression.email_hash.is_not(None), "suppressed"),
        else_=INCLUDED,
    )


def _candidates(ids_query, now: datetime, *columns):
    return (
        sa.select(*columns)
        .select_from(Member)
        .outerjoin(EmailSuppression, EmailSuppression.email_hash == email_sha256(Member.email))
        .where(Member.id.in_(ids_query.scalar_subquery()))
    )


def count_audience(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime) -> dict:
    """{"total": n, "included": n, <reason>: n, ...} for the page, before anything is sent."""
    ids = audience_member_ids(session, bulletin, user, now)
    reason = _reason(now).label("reason")
    rows = session.execute(_candidates(ids, now, reason, sa.func.count()).group_by(reason)).all()
    counts = {name: 0 for name in (INCLUDED, *EXCLUSION_REASONS)}
    counts.update({str(name): number for name, number in rows})
    counts["total"] = sum(number for _name, number in rows)
    return counts


def fix_recipients(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime) -> int:
    """Write the ledger: one pending row per included member, in one statement. Idempotent
    (the unique bulletin/member pair and the check below keep a second call from adding rows)."""
    already = session.scalar(
        sa.select(sa.func.count())
        .select_from(BulletinRecipient)
        .where(BulletinRecipient.bulletin_id == bulletin.id)
    )
    counts = count_audience(session, bulletin, user, now)
    if not already:
        ids = audience_member_ids(session, bulletin, user, now)
        rows = _candidates(
            ids,
            now,
            sa.literal(bulletin.id),
            Member.id,
            sa.literal(RecipientState.PENDING.value),
            Member.tracking_consent,
            Member.place_id,
        ).where(_reason(now) == INCLUDED)
        session.execute(
            sa.insert(BulletinRecipient).from_select(
                ["bulletin_id", "member_id", "state", "tracking_consent", "place_id"], rows
            )
        )
    bulletin.audience_count = counts["total"]
    bulletin.exclusions = {k: v for k, v in counts.items() if k not in ("total", INCLUDED) and v}
    bulletin.recipient_count = session.scalar(
        sa.select(sa.func.count())
        .select_from(BulletinRecipient)
        .where(BulletinRecipient.bulletin_id == bulletin.id)
    )
    return bulletin.recipient_count
