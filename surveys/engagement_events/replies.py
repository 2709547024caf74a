"""Replies from the email: signed single-use links, the reply itself with access and dietary
needs (kept only with consent), and the emails that tell people where they stand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.field_errors import FieldError
from panel.i18n import gettext, in_language
from panel.members.models import Member, MemberStatus
from panel.members.services.links import queue_member_email
from panel.tokens import InvalidToken, TokenPurpose, make_token, read_token
from surveys.engagement_events.calendar import calendar_attachment
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState
from surveys.engagement_events.places import (
    RepliesClosed,
    accept_invitation,
    decline_invitation,
)
from surveys.engagement_events.reserves import invite_next_reserve

__all__ = ["RepliesClosed", "ReplyFields", "find_invitation", "reply", "reply_token", "reply_url"]

#: where invitees reply (the reply blueprint's prefix; emails link to it without a request).
REPLY_PATH = "/events/reply"


@dataclass
class ReplyFields:
    """What an invitee said."""

    coming: bool
    access_needs: str = ""
    dietary_needs: str = ""
    consent: bool = False


def reply_token(invitation: EventInvitation) -> str:
    """The signed token of an invitation's reply link; it stops working once used."""
    return make_token(TokenPurpose.EVENT_REPLY, [invitation.id, invitation.reply_nonce])


def reply_url(invitation: EventInvitation) -> str:
    """The invitee's own reply page, built from the configured public address so that the
    scheduler's jobs (which have no request) can put it in an email."""
    return f"{current_app.config['PUBLIC_BASE_URL']}{REPLY_PATH}/{reply_token(invitation)}"


def find_invitation(session: Session, token: str) -> tuple[EventInvitation | None, bool]:
    """The invitation a link names, and whether the link is still unused.

    (None, False) for a link this site did not sign or whose invitation is gone."""
    try:
        invitation_id, nonce = read_token(TokenPurpose.EVENT_REPLY, token, None)
    except (InvalidToken, TypeError, ValueError):
        return None, False
    invitation = (
        session.get(EventInvitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None:
        return None, False
    return invitation, invitation.reply_nonce == nonce


def place_counts(session: Session, event: EngagementEvent) -> dict[InvitationState, int]:
    """How many invitations are in each state (every state present, zero if none)."""
    rows = session.execute(
        sa.select(EventInvitation.state, sa.func.count())
        .where(EventInvitation.event_id == event.id)
        .group_by(EventInvitation.state)
    ).all()
    counts = dict.fromkeys(InvitationState, 0)
    counts.update({state: number for state, number in rows})
    return counts


@dataclass(frozen=True)
class Recipient:
    """Who an event email goes to: a member, or someone who registered on the public page."""

    email: str
    first_name: str
    language: str | None
    member_id: int | None


def recipient(session: Session, invitation: EventInvitation) -> Recipient | None:
    """The invitee to email (a registrant by the name and address they gave), or None when
    there is nobody to email (a member gone or without an address; a registrant's address
    deleted by the retention rule)."""
    if invitation.member_id is None:
        if not invitation.registrant_email:
            return None
        return Recipient(
            invitation.registrant_email,
            invitation.registrant_name,
            invitation.registrant_language,
            None,
        )
    member = session.get(Member, invitation.member_id)
    if member is None or not member.email:
        return None
    return Recipient(member.email, member.first_name, member.language, member.id)


def tell_place(session: Session, invitation: EventInvitation, now: datetime) -> None:
    """Queue the email that tells someone where they stand (confirmed or waiting), with a
    link to cancel; the joining link goes only to confirmed people."""
    member = recipient(session, invitation)
    if member is None:
        return
    event = invitation.event
    template = (
        "event_place_confirmed"
        if invitation.state is InvitationState.CONFIRMED
        else "event_waiting_list"
    )
    confirmed = invitation.state is InvitationState.CONFIRMED
    joining_link = event.joining_link if confirmed else ""
    # A confirmed place comes with its calendar entry; a waiting-list place does not.
    attachments = (
        [
            calendar_attachment(
                event,
                joining_link=joining_link,
                public_base_url=current_app.config["PUBLIC_BASE_URL"],
                now=now,
            )
        ]
        if confirmed
        else []
    )
    with in_language(member.language):
        queue_email(
            session,
            to_email=member.email,
            template=template,
            context={
                "first_name": member.first_name,
                "event": event,
                "joining_link": joining_link,
                "cancel_url": reply_url(invitation),
            },
            idempotency_key=(
                f"event-place:{invitation.id}:{invitation.state}:{invitation.reply_nonce}"
            ),
            now=now,
            member_id=member.member_id,
            attachments=attachments,
        )


#: the invitation email (the same template the check page shows).
INVITATION_TEMPLATE = "event_invitation"


def invitation_context(event: EngagementEvent, member_first_name: str, url: str) -> dict:
    """What the invitation email needs for one person."""
    return {"first_name": member_first_name, "event": event, "reply_url": url}


def queue_invitation_email(session: Session, invitation: EventInvitation, now: datetime) -> bool:
    """Queue the invitation with the invitee's own reply link (in their language, with their
    unsubscribe link); False when they cannot be emailed."""
    member = session.get(Member, invitation.member_id) if invitation.member_id else None
    if member is None or member.status is not MemberStatus.ACTIVE or not member.email:
        return False
    queued = queue_member_email(
        session,
        member,
        template=INVITATION_TEMPLATE,
        context=invitation_context(invitation.event, member.first_name, reply_url(invitation)),
        idempotency_key=f"event-invitation:{invitation.id}",
        now=now,
    )
    return queued is not None


def check_needs_consent(access_needs: str, dietary_needs: str, consent: bool) -> None:
    """Needs are kept only with consent: raises FieldError ("consent") when some are given
    without the box ticked."""
    if (access_needs or dietary_needs) and not consent:
        raise FieldError(
            gettext(
                "Tick the box to let us keep your access and dietary needs, or leave them empty"
            ),
            "consent",
        )


def reply(session: Session, invitation: EventInvitation, fields: ReplyFields, now: datetime):
    """Record a yes or no (a no from someone confirmed frees their place for the waiting list)
    and queue the email saying where they stand. Raises RepliesClosed after the closing date
    or for a cancelled event, and FieldError when needs are given without consent."""
    needs = fields.access_needs or fields.dietary_needs
    if fields.coming:
        check_needs_consent(fields.access_needs, fields.dietary_needs, fields.consent)
    if not fields.coming:
        declined = decline_invitation(session, invitation, now, on_offer=tell_place)
        invitation.access_needs = invitation.dietary_needs = ""
        session.flush()
        if declined:  # someone chosen for a stratum: the next reserve of it is invited
            invite_next_reserve(session, invitation, now, on_invite=queue_invitation_email)
        return
    accept_invitation(session, invitation, now)
    if needs:
        invitation.access_needs = fields.access_needs
        invitation.dietary_needs = fields.dietary_needs
        invitation.needs_consent_at = now
    session.flush()
    tell_place(session, invitation, now)


@dataclass(frozen=True)
class NeedsRow:
    """One confirmed or waiting person's needs, for the event's organisers."""

    name: str
    state: InvitationState
    access_needs: str
    dietary_needs: str


def needs_for_organisers(session: Session, event: EngagementEvent) -> list[NeedsRow]:
    """The needs people gave (with consent) for this event, confirmed first; the caller
    checks the user organises the event and audits the access."""
    # An outer join: a registrant has no member, and their name is on the invitation.
    rows = session.execute(
        sa.select(Member.first_name, Member.last_name, EventInvitation)
        .outerjoin(Member, Member.id == EventInvitation.member_id)
        .where(
            EventInvitation.event_id == event.id,
            EventInvitation.state.in_((InvitationState.CONFIRMED, InvitationState.WAITING)),
            sa.or_(EventInvitation.access_needs != "", EventInvitation.dietary_needs != ""),
        )
        .order_by(
            EventInvitation.state,
            sa.func.coalesce(Member.last_name, EventInvitation.registrant_name),
            Member.first_name,
            EventInvitation.id,
        )
    ).all()
    return [
        NeedsRow(
            f"{first} {last}" if inv.member_id is not None else inv.registrant_name,
            inv.state,
            inv.access_needs,
            inv.dietary_needs,
        )
        for first, last, inv in rows
    ]
