"""Telling the people who took part: when a decision that used their views is made or moves
on, everyone who answered a linked survey is emailed once for that status. As with survey
invitations, staff first see how many people (after the do-not-email list), where they live and
the email itself, can send themselves a test, and only a second click sends."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import RenderedEmail
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members import mail_check
from panel.members.mail_check import MailCheck
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from panel.segments.models import ContactKind, MemberContact
from surveys.decisions.models import DecisionNotice, DecisionRecord, LinkKind
from surveys.decisions.register import DecisionError

TEMPLATE = "decision_notice"


def linked_survey_ids(decision: DecisionRecord) -> list[int]:
    """The surveys the decision used."""
    return sorted({link.survey_id for link in decision.links if link.kind is LinkKind.SURVEY})


def took_part(survey_ids: list[int]):
    """A select() of the ids of members who answered any of the surveys."""
    return sa.select(MemberContact.member_id).where(
        MemberContact.kind == ContactKind.SURVEY_RESPONSE,
        MemberContact.reference_id.in_(survey_ids),
    )


def _told(decision: DecisionRecord):
    return sa.select(DecisionNotice.member_id).where(
        DecisionNotice.decision_id == decision.id, DecisionNotice.status == decision.status
    )


def _check_can_tell(decision: DecisionRecord) -> None:
    if decision.published_at is None:
        raise DecisionError("Put the decision on the public register before telling anyone")
    if not decision.is_made:
        raise DecisionError("People are told once the decision is made")
    if not linked_survey_ids(decision):
        raise DecisionError("No survey informed this decision, so there is no one to tell")


def _recipients(decision: DecisionRecord, user: StaffUser):
    """Members who took part in a linked survey and can be emailed (active, not unsubscribed,
    not yet told of this status), within the user's places."""
    query = sa.select(Member).where(
        Member.id.in_(took_part(linked_survey_ids(decision))),
        Member.status == MemberStatus.ACTIVE,
        Member.unsubscribed_at.is_(None),
        Member.email.is_not(None),
        Member.id.not_in(_told(decision)),
    )
    return scope_to_places(query, user, Member.place_id)


def _context(decision: DecisionRecord) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    return {
        "decision": decision,
        "survey_links": [link for link in decision.links if link.kind is LinkKind.SURVEY],
        "decision_url": f"{base}/decisions/{decision.id}",
    }


def example_email(decision: DecisionRecord) -> RenderedEmail:
    """The email as it will arrive, for the example person."""
    return mail_check.example_email(TEMPLATE, _context(decision))


def preview_notice(session: Session, decision: DecisionRecord, user: StaffUser) -> MailCheck:
    """How many people the email would reach now (less the do-not-email list), by place, and
    the email; raises DecisionError when the decision cannot be announced yet."""
    _check_can_tell(decision)
    rows = session.execute(
        _recipients(decision, user).with_only_columns(Member.id, Member.email, Member.place_id)
    ).all()
    return mail_check.check_mail(session, rows, example_email(decision), TEMPLATE)


def already_told(session: Session, decision: DecisionRecord, user: StaffUser) -> int:
    """How many people (in the user's places) were told of the decision's current status."""
    query = scope_to_places(
        sa.select(sa.func.count(DecisionNotice.id))
        .join(Member, Member.id == DecisionNotice.member_id)
        .where(DecisionNotice.decision_id == decision.id, DecisionNotice.status == decision.status),
        user,
        Member.place_id,
    )
    return session.scalar(query) or 0


def send_test_notice(
    session: Session, decision: DecisionRecord, user: StaffUser, now: datetime
) -> None:
    """Queue the example email to the staff user themselves (audited)."""
    mail_check.send_test(
        session,
        user,
        template=TEMPLATE,
        context=_context(decision),
        action="decision.notice_test",
        object_type="decision",
        object_id=decision.id,
        now=now,
    )


def tell_contributors(
    session: Session,
    decision: DecisionRecord,
    user: StaffUser,
    now: datetime,
    expected: str | None,
) -> int:
    """Email exactly the people the check page counted (the second click); returns how many
    were queued. Raises DecisionError if it cannot go out, and AudienceChanged (nothing sent)
    if the people differ from those the page showed (``expected``: its fingerprint)."""
    check = preview_notice(session, decision, user)
    mail_check.require_unchanged(check, expected)
    chosen = set(check.member_ids)
    queued = 0
    for member in session.scalars(_recipients(decision, user).order_by(Member.id)):
        if member.id not in chosen:
            continue
        email = queue_member_email(
            session,
            member,
            template=TEMPLATE,
            context={"first_name": member.first_name, **_context(decision)},
            idempotency_key=f"decision-notice:{decision.id}:{decision.status.value}:{member.id}",
            now=now,
        )
        if email is not None:
            session.add(
                DecisionNotice(
                    decision_id=decision.id,
                    member_id=member.id,
                    status=decision.status,
                    queued_at=now,
                )
            )
            queued += 1
    session.flush()
    mail_check.audit_confirmation(
        session, user, "decision.notify", "decision", decision.id, queued, now
    )
    return queued


def notices_by_status(
    session: Session, decision: DecisionRecord, user: StaffUser
) -> list[tuple[str, int, datetime]]:
    """(status, people told, first told at) for each status announced so far (a place team
    counts its places' people only)."""
    query = scope_to_places(
        sa.select(
            DecisionNotice.status,
            sa.func.count(DecisionNotice.id),
            sa.func.min(DecisionNotice.queued_at),
        )
        .join(Member, Member.id == DecisionNotice.member_id)
        .where(DecisionNotice.decision_id == decision.id)
        .group_by(DecisionNotice.status)
        .order_by(sa.func.min(DecisionNotice.queued_at)),
        user,
        Member.place_id,
    )
    rows = session.execute(query).all()
    return [(status.label, count, first) for status, count, first in rows]
