"""Inviting people to an event from a saved fair selection or a segment, through the check
page: who it reaches (after contact caps, pauses, unsubscribes and people already on the list),
where they live and the email as it will arrive; the send happens on the second, deliberate
click, and only if the people are still those the page counted. A selection's ordered reserve
list is kept as reserves, invited one by one as people of their stratum decline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.audit.services import record_audit
from panel.auth.access import visible_place_ids
from panel.auth.models import StaffUser
from panel.members.mail_check import (
    MailCheck,
    audit_confirmation,
    check_mail,
    example_email,
    example_url,
    require_unchanged,
    send_test,
)
from panel.members.models import Member
from panel.segments.definition import empty_definition
from panel.segments.models import ContactKind, FairSelection, Segment
from panel.segments.services.fair_selection import ReserveList, reserve_list, selection_withheld
from panel.segments.services.fatigue import (
    contact_rules,
    contactable,
    group_caps,
    record_invitations,
)
from panel.segments.services.segments import members_matching, segment_member_query
from panel.segments.services.special_category import SpecialCategoryRefused, Use
from surveys.engagement_events.invitations import add_invitations
from surveys.engagement_events.models import EngagementEvent, EventInvitation, InvitationState
from surveys.engagement_events.replies import (
    INVITATION_TEMPLATE,
    invitation_context,
    queue_invitation_email,
)


class EventInviteError(ValueError):
    """The invitation cannot go out; the message says why."""


@dataclass(frozen=True)
class EventInviteCheck:
    """Who an event invitation would reach, who is left out and why, and the email."""

    #: "the fair selection ..." or "the segment ...", for the page.
    source: str
    mail: MailCheck
    #: people the selection or segment holds now (active, in the user's places).
    audience: int
    #: of them, already on the event's list (invited, replied or kept as a reserve).
    already: int
    #: of them, left out by the contact caps, a pause or an unsubscribe.
    not_contactable: int
    #: reserves the selection keeps in order (0 for a segment).
    reserves: int


@dataclass(frozen=True)
class InviteOutcome:
    """How many were invited and how many reserves were kept."""

    invited: int
    reserves: int


def example_email_for(event: EngagementEvent):
    """The invitation as it will arrive, for an example person with an example reply link."""
    return example_email(
        INVITATION_TEMPLATE, invitation_context(event, "Sam", example_url("events/reply"))
    )


def invite_choices(session: Session, user: StaffUser) -> tuple[list, list]:
    """The saved fair selections (newest first) and segments the user may invite from."""
    query = sa.select(Segment).order_by(Segment.name)
    place_ids = visible_place_ids(user)
    if place_ids is not None:
        query = query.where(Segment.place_id.in_(sorted(place_ids)))
    segments = list(session.scalars(query))
    selections = list(
        session.scalars(
            sa.select(FairSelection)
            .options(selectinload(FairSelection.segment))
            .where(FairSelection.segment_id.in_([segment.id for segment in segments]))
            .order_by(FairSelection.id.desc())
            .limit(50)
        )
    )
    return selections, segments


def _audience(session, event, user, now, selection, segment):
    """(words for the page, a select() of the audience's members, the reserve list or None)."""
    if not event.replies_open(now):
        raise EventInviteError("Replies to this event have closed: invitations cannot go out")
    try:
        if selection is not None:
            if event.selection_id not in (None, selection.id):
                raise EventInviteError(
                    "This event already has people from another fair selection: its reserves "
                    "would be mixed up. Invite a segment, or add a new event for this selection"
                )
            withheld = selection_withheld(session, user, selection, now)
            if withheld:
                raise EventInviteError(withheld)
            query = members_matching(session, empty_definition(), user, now).where(
                Member.id.in_([int(member_id) for member_id in selection.member_ids])
            )
            reserves = reserve_list(session, user, selection, now)
            chosen = len(selection.member_ids)
            return f"the fair selection of {chosen} from {selection.segment.name}", query, reserves
        query = segment_member_query(session, segment, user, now, use=Use.SURVEY)
    except SpecialCategoryRefused as error:
        raise EventInviteError(str(error)) from error
    if event.place_id is not None:
        query = query.where(Member.place_id == event.place_id)
    return f"the segment {segment.name}", query, None


def _on_list(event: EngagementEvent):
    # Registrants have no member_id: a NULL in a NOT IN list would match nobody at all.
    return sa.select(EventInvitation.member_id).where(
        EventInvitation.event_id == event.id, EventInvitation.member_id.is_not(None)
    )


def _count(session: Session, query) -> int:
    return session.scalar(query.with_only_columns(sa.func.count(Member.id)).order_by(None)) or 0


def _preview(session, event, user, now, selection, segment):
    words, query, reserves = _audience(session, event, user, now, selection, segment)
    query = query.order_by(None)
    eligible = contactable(query, contact_rules(session), now, group_caps(session)).where(
        Member.id.not_in(_on_list(event))
    )
    rows = session.execute(
        eligible.with_only_columns(Member.id, Member.email, Member.place_id).order_by(Member.id)
    ).all()
    audience = _count(session, query)
    already = _count(session, query.where(Member.id.in_(_on_list(event))))
    on_list = set(session.scalars(_on_list(event)))
    kept = [m for m in reserves.reserves if m not in on_list] if reserves else []
    check = EventInviteCheck(
        source=words,
        mail=check_mail(session, rows, example_email_for(event), INVITATION_TEMPLATE),
        audience=audience,
        already=already,
        not_contactable=audience - already - len(rows),
        reserves=len(kept),
    )
    return check, reserves, kept


def preview_event_invitation(
    session: Session,
    event: EngagementEvent,
    user: StaffUser,
    now: datetime,
    *,
    selection: FairSelection | None = None,
    segment: Segment | None = None,
) -> EventInviteCheck:
    """How many people an invitation from ``selection`` (or ``segment``) would reach now, by
    place, who is left out and why, and the email. Writes only the equality-data rule's audit
    rows. Raises EventInviteError when it cannot go out."""
    return _preview(session, event, user, now, selection, segment)[0]


def invite_checked(
    session: Session,
    event: EngagementEvent,
    user: StaffUser,
    expected: str | None,
    now: datetime,
    *,
    selection: FairSelection | None = None,
    segment: Segment | None = None,
) -> InviteOutcome:
    """Invite the people the check page counted (``expected``, its fingerprint), queue their
    emails, count them against the contact caps, keep a selection's reserves in order, and audit
    the confirmation. Raises AudienceChanged or EventInviteError."""
    check, reserves, kept = _preview(session, event, user, now, selection, segment)
    require_unchanged(check.mail, expected)
    strata = reserves.strata if isinstance(reserves, ReserveList) else None
    invited = add_invitations(session, event, check.mail.member_ids, now, strata=strata)
    record_invitations(
        session, [i.member_id for i in invited], event.id, now, kind=ContactKind.EVENT_INVITATION
    )
    for invitation in invited:
        queue_invitation_email(session, invitation, now)
    note = f"{len(invited)} invited from segment {segment.id}" if segment is not None else ""
    if selection is not None:
        add_invitations(
            session, event, kept, now, state=InvitationState.RESERVE, strata=strata, ranked=True
        )
        event.selection_id = selection.id
        note = f"{len(invited)} invited from selection {selection.id}; {len(kept)} reserves kept"
    record_audit(session, user, "event.invite", "engagement_event", [event.id], note, now=now)
    audit_confirmation(
        session, user, "event.invite_confirmed", "engagement_event", event.id, len(invited), now
    )
    session.flush()
    return InviteOutcome(len(invited), len(kept))


def send_test_email(session: Session, event: EngagementEvent, user: StaffUser, now: datetime):
    """Queue the example invitation to the staff user themselves (audited)."""
    send_test(
        session,
        user,
        template=INVITATION_TEMPLATE,
        context=invitation_context(event, "Sam", example_url("events/reply")),
        action="event.invite_test",
        object_type="engagement_event",
        object_id=event.id,
        now=now,
    )
