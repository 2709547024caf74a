"""Signed links in members' emails: confirm, magic sign-in, unsubscribe."""

from __future__ import annotations

from flask import current_app

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
