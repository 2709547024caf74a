"""Demo findings for the insight library: a partner report and a listening event, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.places.models import Place
from surveys.insights import library
from surveys.insights.library import InsightFields
from surveys.insights.models import InsightFinding


def create_demo_insights(session: Session, now: datetime) -> None:
    """Add two example findings (an ICB-wide partner report, public; a Blackpool event)."""
    comms = session.scalar(
        sa.select(StaffUser).where(StaffUser.role == Role.COMMS, StaffUser.email.like("%@demo.%"))
    )
    blackpool = session.scalar(sa.select(Place).where(Place.code == "blackpool"))
    if comms is None or session.scalar(sa.select(InsightFinding.id).limit(1)) is not None:
        return
    library.record_insight(
        session,
        comms,
        InsightFields(
            title="Example (demo): getting a GP appointment",
            summary="Demo content. People phone at 8am and cannot get through; carers find "
            "online booking hard to fit around caring.",
            source_kind="partner_report",
            source_name="Demo Healthwatch",
            heard_on=(now - timedelta(days=120)).date(),
            owner_name="Demo owner: Head of Engagement",
            topics=["living_well", "gp"],
            groups=["carers", "older_people"],
            people_heard=214,
            is_public=True,
        ),
        now,
    )
    library.record_insight(
        session,
        comms,
        InsightFields(
            title="Example (demo): maternity listening event",
            summary="Demo content. Parents asked for antenatal classes in the evening and in "
            "community languages.",
            source_kind="event",
            heard_on=(now - timedelta(days=60)).date(),
            owner_name="Demo owner: Maternity Voices lead",
            place_id=blackpool.id if blackpool else None,
            topics=["starting_well", "maternity"],
            groups=["women", "language"],
            people_heard=6,
            involvement="discuss",
        ),
        now,
    )
