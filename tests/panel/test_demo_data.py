"""The demo data command can run again without adding anything twice."""

from __future__ import annotations

import sqlalchemy as sa

from app.demo import create_demo_data
from mailer.bulletins.models import Bulletin
from mailer.tracking.models import TrackingHit
from panel.database import utcnow
from panel.members.models import Member
from panel.segments.models import Segment
from surveys.models import Survey


def _counts(session):
    return [
        session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Member, Segment, Bulletin, TrackingHit, Survey)
    ]


def test_running_the_demo_twice_duplicates_nothing(session):
    create_demo_data(session, utcnow())
    session.commit()
    first = _counts(session)
    assert all(first), first
    create_demo_data(session, utcnow())
    session.commit()
    assert _counts(session) == first
