"""Contact fatigue: caps on survey invitations, pauses and unsubscribes, applied to any target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.field_errors import FieldError
from panel.members.models import EqualityProfile, Member, MemberStatus
from panel.segments import definition as definitions
from panel.segments.models import (
    DEFAULT_MAX_INVITATIONS,
    DEFAULT_WINDOW_DAYS,
    ContactKind,
    ContactRules,
    GroupContactCap,
    MemberContact,
)
from panel.segments.services.segments import count_members

#: the contacts the caps count: invitations to surveys and to engagement events.
CAPPED_KINDS = (ContactKind.SURVEY_INVITATION, ContactKind.EVENT_INVITATION)


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


def group_caps(session: Session) -> list[GroupContactCap]:
    """The stricter caps for particular groups, as saved by the comms team."""
    return list(
        session.scalars(
            sa.select(GroupContactCap).order_by(GroupContactCap.field, GroupContactCap.value)
        )
    )


def group_condition(cap: GroupContactCap, now: datetime):
    """SQL for "the member is in the cap's group" (over Member outer-joined to equality)."""
    node = {"type": "condition", "field": cap.field, "negate": False, "values": [cap.value]}
    return definitions.to_condition(node, now)


def _invited_at_least(max_invitations: int, window_days: int, now: datetime):
    return (
        sa.select(MemberContact.member_id)
        .where(
            MemberContact.kind.in_(CAPPED_KINDS),
            MemberContact.at > now - timedelta(days=window_days),
        )
        .group_by(MemberContact.member_id)
        .having(sa.func.count() >= max_invitations)
    )


def recently_capped_members(rules: ContactRules, now: datetime):
    """Member ids already invited as often as the panel-wide cap allows within the window."""
    return _invited_at_least(rules.max_invitations, rules.window_days, now)


def capped_by_group(cap: GroupContactCap, now: datetime):
    """Member ids in the cap's group already invited as often as its cap allows."""
    return (
        sa.select(Member.id)
        .outerjoin(EqualityProfile, EqualityProfile.member_id == Member.id)
        .where(
            group_condition(cap, now),
            Member.id.in_(_invited_at_least(cap.max_invitations, cap.window_days, now)),
        )
    )


def contactable(query, rules: ContactRules, now: datetime, caps: Sequence[GroupContactCap] = ()):
    """Narrow a member query to those a survey invitation may go to now: within the panel-wide
    cap and every group cap (``caps``: group_caps(session)), not paused, not unsubscribed.
    Every invitation path (survey invitations, fair selections and the events made from them)
    comes through here."""
    return query.where(
        Member.id.not_in(recently_capped_members(rules, now)),
        *[Member.id.not_in(capped_by_group(cap, now)) for cap in caps],
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
    eligible = count_members(session, contactable(query, rules, now, group_caps(session)))
    return TargetCounts(matched, matched - eligible)


def record_invitations(
    session: Session,
    member_ids: list[int],
    survey_id: int,
    now: datetime,
    kind: ContactKind = ContactKind.SURVEY_INVITATION,
) -> None:
    """Count invitations against the caps (called by whoever sends them); ``survey_id`` is the
    event's id for ``kind`` EVENT_INVITATION."""
    if not member_ids:
        return  # an INSERT with no rows would be an INSERT of one row of defaults
    session.execute(
        sa.insert(MemberContact),
        [
            {
                "member_id": member_id,
                "kind": kind,
                "reference_id": survey_id,
                "at": now,
            }
            for member_id in member_ids
        ],
    )


class GroupCapError(FieldError):
    """A group cap cannot be saved; the message says why and ``field`` names the input."""


#: the characteristics a group cap can be set on: place, age band and the equality answers a
#: small, over-asked group is usually defined by.
GROUP_CAP_FIELDS = (
    "place",
    "age_band",
    "ethnic_group_summary",
    "ethnic_group",
    "disability",
    "carer",
    "sex",
    "armed_forces",
    "language",
)


def group_cap_choices(session: Session, user) -> list[tuple[str, str]]:
    """Every group a cap can be set on, as ("field:value", "Field: label")."""
    return [
        (f"{key}:{code}", f"{definitions.FIELDS[key].label}: {label}")
        for key in GROUP_CAP_FIELDS
        for code, label in definitions.field_options(session, key, user)
    ]


def group_label(session: Session, cap: GroupContactCap, user) -> str:
    """ "Ethnic group (five Census groups): Black, ..." for a saved cap."""
    return dict(group_cap_choices(session, user)).get(
        f"{cap.field}:{cap.value}", f"{cap.field}: {cap.value}"
    )


def add_group_cap(
    session: Session,
    user,
    group: str,
    max_invitations: int,
    window_days: int,
    reason: str,
    now: datetime,
) -> GroupContactCap:
    """Save a stricter cap for one group (``group`` is "field:value"). Raises GroupCapError for
    an unknown group, a group that already has a cap, or a cap outside 1-20 in 1-365 days."""
    if group not in dict(group_cap_choices(session, user)):
        raise GroupCapError("Choose a group from the list", "group")
    if not 1 <= max_invitations <= 20:
        raise GroupCapError("Enter a number from 1 to 20", "max_invitations")
    if not 1 <= window_days <= 365:
        raise GroupCapError("Enter a number from 1 to 365", "window_days")
    field, _, value = group.partition(":")
    exists = session.scalar(
        sa.select(GroupContactCap.id).where(
            GroupContactCap.field == field, GroupContactCap.value == value
        )
    )
    if exists is not None:
        raise GroupCapError("This group already has its own cap: remove it first", "group")
    cap = GroupContactCap(
        field=field,
        value=value,
        max_invitations=max_invitations,
        window_days=window_days,
        reason=reason,
        created_at=now,
        created_by_id=user.id,
    )
    session.add(cap)
    session.flush()
    return cap


def members_in_group(session: Session, cap: GroupContactCap, now: datetime) -> int:
    """How many active members the cap covers (shown beside it)."""
    return (
        session.scalar(
            sa.select(sa.func.count(Member.id))
            .outerjoin(EqualityProfile, EqualityProfile.member_id == Member.id)
            .where(Member.status == MemberStatus.ACTIVE, group_condition(cap, now))
        )
        or 0
    )
