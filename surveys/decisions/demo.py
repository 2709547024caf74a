"""Demo decisions for the register: clearly marked as examples, made through the register's own
services so that they behave like real records (audited, with status history)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from surveys.decisions import register
from surveys.decisions.models import DecisionRecord
from surveys.decisions.register import DecisionFields, LinkFields
from surveys.models import Survey

PAPERS = "https://example.org/demo-board-papers"


def _fields(**values) -> DecisionFields:
    base = {
        "summary": "",
        "place_id": None,
        "paper_reference": "",
        "paper_url": "",
        "no_involvement_reason": "",
        "duty_applies": True,
    }
    return DecisionFields(**{**base, **values})


def create_demo_decisions(session: Session, now: datetime) -> None:
    """Add three example decisions (made, proposed, and one without involvement), once."""
    staff = {
        user.role: user
        for user in session.scalars(sa.select(StaffUser).where(StaffUser.email.like("%@demo.%")))
    }
    comms, place_team = staff.get(Role.COMMS), staff.get(Role.PLACE)
    pharmacy = session.scalar(sa.select(Survey).where(Survey.title == "Pharmacy opening hours"))
    if comms is None or place_team is None or pharmacy is None:
        return
    if session.scalar(sa.select(DecisionRecord.id).limit(1)) is not None:
        return
    closed = pharmacy.closed_at or pharmacy.closes_at
    made_on = closed + timedelta(weeks=4)
    pilot = register.create_decision(
        session,
        comms,
        _fields(
            title="Example (demo): late weekday opening pilot for community pharmacies",
            summary="Demo content. Twelve community pharmacies open until 8pm on weekdays for "
            "six months, in the places with the fewest pharmacies open after 5pm.",
            decided_on=made_on.date(),
            body_kind="committee",
            body_name="Primary Care Commissioning Committee",
            paper_reference="DEMO-PCCC-07",
            paper_url=f"{PAPERS}/pccc-07",
            owner_name="Demo owner: Director of Primary Care",
            duty_reason="Demo content. The pilot changes when people can get pharmacy services.",
            status="proposed",
        ),
        made_on - timedelta(weeks=1),
    )
    register.add_link(
        session,
        pilot,
        comms,
        LinkFields(
            kind="survey",
            survey_id=pharmacy.id,
            people_said="Most people want to visit a pharmacy between 5pm and 8pm on weekdays.",
            outcome="did",
            how_used="The pilot opens pharmacies until 8pm on weekdays.",
        ),
        made_on - timedelta(weeks=1),
    )
    register.add_link(
        session,
        pilot,
        comms,
        LinkFields(
            kind="other",
            other_kind="partner_report",
            other_title="Example (demo): Healthwatch report on access to pharmacies",
            other_date=(made_on - timedelta(weeks=10)).date(),
            other_url=f"{PAPERS}/healthwatch-pharmacy",
            people_said="Saturday mornings are hard to get pharmacy help in rural areas.",
            outcome="did_not",
            how_used="Saturday cover is outside this pilot's budget; it goes to the review.",
        ),
        made_on - timedelta(weeks=1),
    )
    register.change_status(session, pilot, comms, "made", made_on)
    register.publish(session, pilot, comms, made_on + timedelta(days=9))
    place_id = sorted(place_team.place_ids)[0] if place_team.place_ids else None
    hubs = register.create_decision(
        session,
        place_team,
        _fields(
            title="Example (demo): where to put two new community health hubs",
            summary="Demo content. A proposal to open two community health hubs in the place.",
            decided_on=(now + timedelta(weeks=6)).date(),
            body_kind="place_board",
            body_name="Place-based Partnership Board",
            place_id=place_id,
            owner_name="Demo owner: Director of Health and Care Integration",
            duty_reason="Demo content. The hubs change where people go for care.",
            status="proposed",
        ),
        now - timedelta(days=3),
    )
    register.add_link(
        session,
        hubs,
        place_team,
        LinkFields(
            kind="other",
            other_kind="focus_group",
            other_title="Example (demo): focus groups with parents and carers",
            other_date=(now - timedelta(weeks=3)).date(),
            people_said="Hubs must be on a bus route and open some evenings.",
            outcome="did",
            how_used="Both proposed sites are on main bus routes; evening opening is costed.",
        ),
        now - timedelta(days=3),
    )
    register.add_link(
        session,
        hubs,
        comms,  # the earlier decision is ICB-wide, which a place team does not see
        LinkFields(
            kind="decision",
            earlier_decision_id=pilot.id,
            people_said="People asked for care after working hours.",
            outcome="did",
            how_used="The hubs follow the pharmacy pilot's evening hours.",
        ),
        now - timedelta(days=3),
    )
    register.publish(session, hubs, place_team, now - timedelta(days=2))
    venue = register.create_decision(
        session,
        comms,
        _fields(
            title="Example (demo): Board meetings move to a new venue",
            decided_on=(now - timedelta(weeks=2)).date(),
            body_kind="board",
            body_name="ICB Board",
            owner_name="Demo owner: Head of Corporate Governance",
            duty_applies=False,
            duty_reason="Demo content. An administrative change that does not change services.",
            no_involvement_reason="Demo content. Not a change to services, so no involvement "
            "was needed; meetings stay public and accessible.",
            status="made",
        ),
        now - timedelta(weeks=2),
    )
    register.publish(session, venue, comms, now - timedelta(weeks=2) + timedelta(days=1))
    session.flush()
