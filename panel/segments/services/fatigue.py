"""Contact fatigue: caps on survey invitations, pauses and unsubscribes, applied to any target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.models import Member
from panel.segments.models import (
    DEFAULT_MAX_INVITATIONS,
    DEFAULT_WINDOW_DAYS,
    ContactKind,
    ContactRules,
    MemberContact,
)
from panel.segments.services.segments import count_members


def contact_rules(session: Session) -> ContactRules:
    """The saved rules row, or the default caps until comms first saves them.

    The defaults are an unsaved object, never added to the session: reading the rules (any
    targeting page, a GET) must not write the row; update_contact_rules saves it.
    """
    saved = session.get(ContactRules, 1)
    if saved is not None:
        return saved
    return ContactRules(
        id=1, max_invitations=DEFAULT_MAX_INVITATIONS, window_days=DEFAULT_WINDOW_DAYS
    )


def update_contact_rules(
    session: Session, rules: ContactRules, max_invitations: int, window_days: int, now: datetime
) -> None:
    """Change the contact rules (saving the row the first time); raises ValueError outside 1-20
    invitations in 1-365 days."""
    if not 1 <= max_invitations <= 20 or not 1 <= window_days <= 365:
        raise ValueError("Caps must be 1 to 20 invitations in 1 to 365 days")
    session.add(rules)
    rules.max_invitations = max_invitations
    rules.window_days = window_days
    rules.updated_at = now


def recently_capped_members(rules: ContactRules, now: datetime):
    """Member ids already invited as often as the cap allows within the window."""
    return (
        sa.select(MemberContact.member_id)
        .where(
            MemberContact.kind == ContactKind.SURVEY_INVITATION,
            MemberContact.at > now - timedelta(days=rules.window_days),
        )
        .group_by(MemberContact.member_id)
        .having(sa.func.count() >= rules.max_invitations)
    )


def contactable(query, rules: ContactRules, now: datetime):
    """Narrow a member query to those a survey invitation may go to now."""
    return query.where(
        Member.id.not_in(recently_capped_members(rules, now)),
        sa.or_(Member.paused_until.is_(None), Member.paused_until <= now),
        Member.unsubscribed_at.is_(None),
    )


@dataclass(frozen=True)
class TargetCounts:
    """Members a send would reach and those the contact rules skip."""

    matched: int
    skipped: int

    @property
    def will_receive(self) -> int:
        return self.matched - self.skipped


def target_counts(session: Session, query, now: datetime) -> TargetCounts:
    """ "N match, M will be skipped because of caps or pauses" for a targeting screen."""
    rules = contact_rules(session)
    matched = count_members(session, query)
    eligible = count_members(session, contactable(query, rules, now))
    return TargetCounts(matched, matched - eligible)


def record_invitations(
    session: Session, member_ids: list[int], survey_id: int, now: datetime
) -> None:
    """Count invitations against the caps (called by whoever sends them)."""
    if not member_ids:
        return  # an INSERT with no rows would be an INSERT of one row of defaults
    session.execute(
        sa.insert(MemberContact),
        [
            {
                "member_id": member_id,
                "kind": ContactKind.SURVEY_INVITATION,
                "reference_id": survey_id,
                "at": now,
            }
            for member_id in member_ids
        ],
    )
