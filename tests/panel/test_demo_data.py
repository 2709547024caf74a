"""The demo data command can run again without adding anything twice."""

from __future__ import annotations

import sqlalchemy as sa

from app.demo import create_demo_data
from app.demo_resident import DEMO_OPEN_LINK_SOURCE, DEMO_RESIDENT_EMAIL
from mailer.bulletins.models import Bulletin
from mailer.tracking.models import TrackingHit
from panel.database import utcnow
from panel.members.models import Member
from panel.segments.models import Segment
from surveys.fieldwork.models import OpenLink
from surveys.fieldwork.my_surveys import my_surveys
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


def test_the_demo_resident_has_something_in_every_part_of_my_surveys(app, session):
    now = utcnow()
    create_demo_data(session, now)
    session.commit()
    resident = session.scalar(sa.select(Member).where(Member.email == DEMO_RESIDENT_EMAIL))
    mine = my_surveys(session, resident, now)
    [in_progress] = mine.open
    assert in_progress.started and 0 < in_progress.pages_done < in_progress.pages_total
    assert sorted(item.results_published for item in mine.finished) == [False, True]
    assert session.scalar(sa.select(OpenLink.id).where(OpenLink.source == DEMO_OPEN_LINK_SOURCE))

    printed = app.test_cli_runner().invoke(args=["demo-member-link"])
    assert printed.exit_code == 0 and "/my-panel/link/" in printed.output
    app.config["APP_ENV"] = "production"
    assert app.test_cli_runner().invoke(args=["demo-member-link"]).exit_code != 0
