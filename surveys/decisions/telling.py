"""Telling the people who took part: when a decision that used their views is made or moves
on, everyone who answered a linked survey is emailed once for that status. As with survey
invitations, staff first see how many people (after the do-not-email list), where they live and
the email itself, can send themselves a test, and only a second click sends."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import RenderedEmail, preview_email, queue_email, unsuppressed
from panel.audit.services import record_audit
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from panel.places.models import Place
from panel.segments.models import ContactKind, MemberContact
from surveys.decisions.models import DecisionNotice, DecisionRecord, LinkKind
from surveys.decisions.register import DecisionError

TEMPLATE = "decision_notice"
EXAMPLE_NAME = "Sam"
EXAMPLE_TOKEN = "example-unsubscribe-link"  # noqa: S105 (a placeholder shown in previews)


@dataclass(frozen=True)
class NoticePreview:
    """Who the email about a decision would reach now, and what they would get."""

    recipients: int
    #: (place name, people), largest first.
    by_place: list[tuple[str, int]]
    #: took part and could be emailed, but on the do-not-email list (bounced, unsubscribed).
    suppressed: int
    #: already told about this status of the decision.
    already_told: int
    email: RenderedEmail


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


def _context(decision: DecisionRecord, first_name: str) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    return {
        "first_name": first_name,
        "decision": decision,
        "survey_links": [link for link in decision.links if link.kind is LinkKind.SURVEY],
        "decision_url": f"{base}/decisions/{decision.id}",
    }


def example_email(decision: DecisionRecord) -> RenderedEmail:
    """The email as it will arrive, with an example name and unsubscribe link."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return preview_email(
        TEMPLATE, _context(decision, EXAMPLE_NAME), f"{base}/unsubscribe/{EXAMPLE_TOKEN}"
    )


def preview_notice(session: Session, decision: DecisionRecord, user: StaffUser) -> NoticePreview:
    """How many people the email would reach now, by place, and the email; raises
    DecisionError when the decision cannot be announced yet."""
    _check_can_tell(decision)
    rows = session.execute(
        _recipients(decision, user).with_only_columns(Member.email, Member.place_id)
    ).all()
    reachable = unsuppressed(session, [email for email, _place in rows])
    places = dict(session.execute(sa.select(Place.id, Place.name)).all())
    counts = Counter(
        places.get(place_id, "No place recorded") for email, place_id in rows if email in reachable
    )
    already = scope_to_places(
        sa.select(sa.func.count(DecisionNotice.id))
        .join(Member, Member.id == DecisionNotice.member_id)
        .where(DecisionNotice.decision_id == decision.id, DecisionNotice.status == decision.status),
        user,
        Member.place_id,
    )
    return NoticePreview(
        recipients=sum(counts.values()),
        by_place=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
        suppressed=sum(1 for email, _place in rows if email not in reachable),
        already_told=session.scalar(already) or 0,
        email=example_email(decision),
    )


def send_test_notice(
    session: Session, decision: DecisionRecord, user: StaffUser, now: datetime
) -> None:
    """Queue the example email to the staff user themselves (audited)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    queue_email(
        session,
        to_email=user.email,
        template=TEMPLATE,
        context=_context(decision, EXAMPLE_NAME),
        idempotency_key=f"decision-notice-test:{decision.id}:{user.id}:{now.isoformat()}",
        now=now,
        unsubscribe_url=f"{base}/unsubscribe/{EXAMPLE_TOKEN}",
    )
    record_audit(session, user, "decision.notice_test", "decision", [decision.id], now=now)


def tell_contributors(
    session: Session,
    decision: DecisionRecord,
    user: StaffUser,
    now: datetime,
    expected: int | None = None,
) -> int:
    """Email everyone the check page counted (the second click); returns how many were queued.
    Raises DecisionError if it cannot go out, or if the count changed since the check page
    (``expected``), so that no one sends to a number they did not see."""
    preview = preview_notice(session, decision, user)
    if expected is not None and expected != preview.recipients:
        raise DecisionError(
            f"The number of people changed from {expected:,} to {preview.recipients:,}: "
            "check again before sending"
        )
    queued = 0
    for member in session.scalars(_recipients(decision, user).order_by(Member.id)):
        email = queue_member_email(
            session,
            member,
            template=TEMPLATE,
            context=_context(decision, member.first_name),
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
    record_audit(
        session,
        user,
        "decision.notify",
        "decision",
        [decision.id],
        f"{queued} people told it is {decision.status.value}",
        now=now,
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
