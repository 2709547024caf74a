"""Members' emails: the signed links in them (confirm, magic sign-in, unsubscribe) and the one
way to queue an email to a member."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.i18n import in_language
from panel.members.models import Member
from panel.tokens import TokenPurpose, make_token


def confirm_token(member: Member) -> str:
    """A signed token for the member's signup confirmation link."""
    return make_token(TokenPurpose.CONFIRM_SIGNUP, [member.id, member.session_token])


def magic_link_token(member: Member) -> str:
    """A signed token for the member's sign-in link, void once their session token rotates."""
    return make_token(TokenPurpose.MAGIC_LINK, [member.id, member.session_token])


def unsubscribe_token(member: Member) -> str:
    """A signed token for the member's unsubscribe link (it never expires)."""
    # Unsubscribe links never expire and survive magic-link rotation: they name only the member.
    return make_token(TokenPurpose.UNSUBSCRIBE, member.id)


def unsubscribe_url(member: Member) -> str:
    """The member's unsubscribe address."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/unsubscribe/{unsubscribe_token(member)}"


#: The member emails with complete translations: they are written in the member's preferred
#: language (tests/test_translations.py checks every one is wrapped for translation). Others
#: stay English throughout, dates included. queue_member_email writes these in the member's
#: language; the event emails, which carry no unsubscribe link, are queued inside in_language.
TRANSLATED_EMAILS = frozenset(
    {
        "member_confirm",
        "member_already_joined",
        "member_magic_link",
        "survey_invitation",
        "survey_reminder",
        "survey_feedback",
        "decision_notice",
        "member_still_interested",
        "reconsent_request",
        "event_place_confirmed",
        "event_waiting_list",
        "event_reminder",
        "event_invitation",
    }
)


def queue_member_email(
    session: Session,
    member: Member,
    *,
    template: str,
    context: dict,
    idempotency_key: str,
    now: datetime,
):
    """Queue ``template`` to the member with their unsubscribe link, linked to them for their
    contact history and erasure. Returns the queued email, or None when nothing was queued
    (a repeated key or a suppressed address). The caller commits. A translated email is
    written in the member's preferred language."""
    language = member.language if template in TRANSLATED_EMAILS else None
    with in_language(language):
        return queue_email(
            session,
            to_email=member.email,
            template=template,
            context=context,
            idempotency_key=idempotency_key,
            now=now,
            unsubscribe_url=unsubscribe_url(member),
            member_id=member.id,
        )
