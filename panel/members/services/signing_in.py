"""Members sign in with an emailed link (no passwords); each browser gets a server-side session.

Asking for a link does the same single insert whether or not the address is a member's; the
``handle-email-requests`` job sends the link only to an active member. Signing out ends the
browser's session on the server; leaving the panel ends all of them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.email_requests import (
    EmailRequest,
    EmailRequestKind,
    email_request_handler,
    record_email_request,
)
from panel.login_sessions import (
    LoginSession,
    end_all_sessions,
    live_session_filter,
    start_login_session,
)
from panel.members.models import Member, MemberStatus
from panel.members.services.links import magic_link_token, queue_member_email
from panel.members.services.member_area import erasure_step, member_data_section
from panel.members.services.staying import note_seen
from panel.tokens import InvalidToken, TokenPurpose, read_token

MAGIC_LINK_MAX_AGE = 60 * 60
#: an inactive member signing in comes back to the panel.
CAN_SIGN_IN = (MemberStatus.ACTIVE, MemberStatus.INACTIVE)


def request_magic_link(session: Session, email: str, now: datetime) -> None:
    """Ask for a sign-in link: the same work for any address (see ``send_magic_link``)."""
    record_email_request(session, EmailRequestKind.MEMBER_SIGN_IN_LINK, email, now)


@email_request_handler(EmailRequestKind.MEMBER_SIGN_IN_LINK)
def send_magic_link(session: Session, request: EmailRequest, now: datetime) -> None:
    """Queue a sign-in link if an active (or inactive: signing in brings them back) member has
    the address; otherwise send nothing."""
    member = session.scalar(
        sa.select(Member).where(Member.email == request.email, Member.status.in_(CAN_SIGN_IN))
    )
    if member is None:
        return
    queue_member_email(
        session,
        member,
        template="member_magic_link",
        context={"first_name": member.first_name, "token": magic_link_token(member)},
        idempotency_key=f"magic:{member.id}:{secrets.token_hex(8)}",
        now=now,
    )


def member_for_magic_link(session: Session, token: str) -> Member:
    """The member an emailed link would sign in, changing nothing (its page shows a button;
    link scanners follow links). Raises InvalidToken."""
    member_id, member_token = read_token(TokenPurpose.MAGIC_LINK, token, MAGIC_LINK_MAX_AGE)
    member = session.get(Member, member_id)
    if member is None or member.status not in CAN_SIGN_IN or member.session_token != member_token:
        raise InvalidToken()
    return member


def use_magic_link(session: Session, token: str, now: datetime) -> Member:
    """The member an emailed link signs in (an inactive member is active again); each link
    works once. Raises InvalidToken."""
    member = member_for_magic_link(session, token)
    member.session_token = secrets.token_urlsafe(24)
    if note_seen(member, now):
        record_audit(session, None, "members.came_back", "member", [member.id], "signed in", now)
    return member


def start_member_session(session: Session, member: Member, now: datetime) -> str:
    """Sign the member in on this browser; returns the token for its cookie."""
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return start_login_session(session, now, lifetime, member_id=member.id)


def member_for_session(session: Session, token: str | None, now: datetime) -> Member | None:
    """The active member whose unexpired session ``token`` names, or None."""
    if not token:
        return None
    return session.scalar(
        sa.select(Member)
        .join(LoginSession, LoginSession.member_id == Member.id)
        .where(live_session_filter(token, now), Member.status == MemberStatus.ACTIVE)
    )


@member_data_section("login_sessions")
def _sessions_section(session: Session, member: Member):
    sessions = session.scalars(
        sa.select(LoginSession)
        .where(LoginSession.member_id == member.id)
        .order_by(LoginSession.created_at)
    ).all()
    return "signed_in_browsers", [
        {"signed_in_at": s.created_at.isoformat(), "ends_at": s.expires_at.isoformat()}
        for s in sessions
    ]


@erasure_step("login_sessions")
def _end_sessions(session: Session, member: Member, now: datetime) -> None:
    end_all_sessions(session, member_id=member.id)
