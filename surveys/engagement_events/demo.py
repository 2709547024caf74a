"""Demo events: a Blackpool workshop with confirmed places, a waiting list and open
registration, an ICB-wide online session, and a drop-in happening now with a register part
filled in, once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.field_errors import FieldError
from panel.members.models import Member, MemberStatus
from panel.places.models import Place
from surveys.engagement_events import payments, registration, services
from surveys.engagement_events.attendance import mark_booked
from surveys.engagement_events.invitations import add_invitations
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.outputs import save_summary
from surveys.engagement_events.payment_models import ExpenseKind, RateKind
from surveys.engagement_events.places import accept_invitation
from surveys.engagement_events.services import EventFields
from surveys.engagement_events.walk_ins import WalkInFields, add_walk_in

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
            # Listed, so the engagement page shows it with its registration link.
            listed_publicly=True,
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
    # Open registration with a question of the workshop's own, and one person who registered
    # (the workshop is full, so they wait alongside the invitee on the waiting list).
    registration.set_registration(
        session, workshop, True, ["What would you most like to talk about? (demo)"], now
    )
    registration.register(
        session,
        workshop,
        registration.RegistrationFields(
            name="Demo Registrant",
            email="registrant@demo.example.com",
            answers=["Demo answer: getting appointments."],
        ),
        now,
    )
    _drop_in_happening_now(session, comms, blackpool, now)


def _create_drop_in(session: Session, comms, blackpool, soon: datetime, now: datetime):
    return services.create_event(
        session,
        comms,
        EventFields(
            title="Example (demo): health checks drop-in",
            purpose="Demo content. Drop in to tell us how we can make health checks easier.",
            involvement="listen",
            place_id=blackpool.id if blackpool else None,
            format="in_person",
            venue="Demo venue: Winter Gardens, Church Street, Blackpool FY1 1HL",
            accessibility="Step-free access and seating throughout.",
            map_url="",
            joining_link="",
            day=soon.date(),
            starts=soon.time(),
            ends=(soon + timedelta(hours=1)).time() if soon.hour < 23 else time(23, 59),
            capacity=10,
            replies_close_on=soon.date(),
            listed_publicly=True,
        ),
        DEMO_ZONE,
        now,
    )


def _drop_in_happening_now(session: Session, comms, blackpool, now: datetime) -> None:
    """A listed drop-in that started an hour ago: three booked, one marked attended, one
    walk-in, and a first note, so the register and outputs pages have something to show."""
    local_now = now.astimezone(ZoneInfo(DEMO_ZONE))
    soon = (local_now + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    try:
        drop_in = _create_drop_in(session, comms, blackpool, soon, now)
    except FieldError:  # the hour the clocks skip: no drop-in in a demo built then
        return
    members = session.scalars(
        sa.select(Member.id)
        .where(Member.status == MemberStatus.ACTIVE, Member.place_id == drop_in.place_id)
        .order_by(Member.id.desc())
        .limit(3)
    ).all()
    booked = add_invitations(session, drop_in, members, now)
    for invitation in booked:
        accept_invitation(session, invitation, now)
    # It is happening now: started an hour ago (times are set directly, as the form refuses
    # a start in the past).
    drop_in.starts_at, drop_in.ends_at = now - timedelta(hours=1), now + timedelta(hours=2)
    drop_in.replies_close_at = drop_in.starts_at
    session.flush()
    if booked:
        mark_booked(session, drop_in, booked[0], True, comms, now)
    add_walk_in(session, drop_in, WalkInFields("Demo", "Walk-in"), comms, now)
    notes = "Demo notes: people asked for evening health checks."
    save_summary(session, drop_in, notes, comms, now)
    if booked:
        _demo_payments(session, drop_in, comms, now)


#: the demo's rates: raised by 10% from 1 December 2025, as national research bodies did.
DEMO_RATES = (
    (RateKind.HALF_DAY, 2500, date(2025, 4, 1)),
    (RateKind.FULL_DAY, 5000, date(2025, 4, 1)),
    (RateKind.HALF_DAY, 2750, date(2025, 12, 1)),
    (RateKind.FULL_DAY, 5500, date(2025, 12, 1)),
    (RateKind.MILEAGE, 45, date(2025, 4, 1)),
)


def demo_receipt(text: str = "Demo bus ticket: 4.20") -> bytes:
    """A one-page PDF saying ``text``, standing in for a scanned bus ticket."""
    stream = f"BT /F1 18 Tf 20 70 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def _demo_payments(session: Session, drop_in: EngagementEvent, comms, now: datetime) -> None:
    """The payment rates, and a draft claim for the drop-in's attendee with mileage and a bus
    fare, so the claims page has something to show."""
    for kind, pence, day in DEMO_RATES:
        payments.add_rate(session, kind, pence, day, comms, now)
    for claim in payments.create_claims(session, drop_in, "DEMO-123", comms, DEMO_ZONE, now):
        for fields in (
            payments.ExpenseFields(ExpenseKind.MILEAGE, "Demo: there and back", 8, None, None),
            payments.ExpenseFields(ExpenseKind.TRAVEL, "Demo: bus", None, 420, demo_receipt()),
        ):
            payments.add_expense(session, drop_in, claim, fields, comms, DEMO_ZONE, now)
