"""Demo events: a Blackpool workshop with confirmed places and a waiting list, and an
ICB-wide online session, once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.members.models import Member, MemberStatus
from panel.places.models import Place
from surveys.engagement_events import services
from surveys.engagement_events.invitations import add_invitations
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.places import accept_invitation
from surveys.engagement_events.services import EventFields

DEMO_ZONE = "Europe/London"


def create_demo_events(session: Session, now: datetime) -> None:
    """Add two example events; the workshop has replies (confirmed, waiting and invited)."""
    comms = session.scalar(
        sa.select(StaffUser).where(StaffUser.role == Role.COMMS, StaffUser.email.like("%@demo.%"))
    )
    blackpool = session.scalar(sa.select(Place).where(Place.code == "blackpool"))
    if comms is None or session.scalar(sa.select(EngagementEvent.id).limit(1)) is not None:
        return
    day = (now + timedelta(days=30)).date()
    workshop = services.create_event(
        session,
        comms,
        EventFields(
            title="Example (demo): diabetes care workshop",
            purpose="Demo content. Tell us what helps you manage diabetes between appointments.",
            involvement="discuss",
            place_id=blackpool.id if blackpool else None,
            format="in_person",
            venue="Demo venue: Central Library, Queen Street, Blackpool FY1 1PX",
            accessibility="Step-free access, a hearing loop and accessible toilets.",
            map_url="https://www.openstreetmap.org/#map=18/53.8175/-3.0534",
            joining_link="",
            day=day,
            starts=time(14),
            ends=time(16),
            capacity=2,
            replies_close_on=day - timedelta(days=7),
        ),
        DEMO_ZONE,
        now,
    )
    services.create_event(
        session,
        comms,
        EventFields(
            title="Example (demo): online session on urgent care",
            purpose="Demo content. Help us design the new urgent care leaflets.",
            involvement="collaborate",
            place_id=None,
            format="online",
            venue="",
            accessibility="Live captions; you can join by phone.",
            map_url="",
            joining_link="https://meet.example.nhs.uk/demo-urgent-care",
            day=day + timedelta(days=7),
            starts=time(18, 30),
            ends=time(20),
            capacity=20,
            replies_close_on=day,
        ),
        DEMO_ZONE,
        now,
    )
    members = session.scalars(
        sa.select(Member.id)
        .where(Member.status == MemberStatus.ACTIVE, Member.place_id == workshop.place_id)
        .order_by(Member.id)
        .limit(4)
    ).all()
    invitations = add_invitations(session, workshop, members, now)
    for number, invitation in enumerate(invitations[:3]):
        accept_invitation(session, invitation, now + timedelta(minutes=number))
    if invitations:
        invitations[0].access_needs = "Demo: a hearing loop, please."
        invitations[0].needs_consent_at = now
    session.flush()
