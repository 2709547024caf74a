"""Demo data so a new user sees a living system; safe to run again (nothing is duplicated).

It crosses every package (staff, members, segments, surveys, bulletins, tracking, results), so it
lives in the composition root; each package keeps its own demo step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.demo_resident import create_demo_resident
from mailer.bulletins.demo import create_demo_bulletins
from mailer.tracking.demo import create_demo_tracking
from panel.activity.demo import create_demo_activity
from panel.auth.demo import DemoAccount, create_demo_staff
from panel.duplicates.demo import create_demo_duplicates
from panel.members.demo import create_demo_members
from panel.places.services import load_reference_places
from panel.reconsent.demo import create_demo_reconsent
from panel.segments.demo import create_demo_segments
from panel.webhooks.demo import create_demo_webhooks
from surveys.assurance.demo import create_demo_meetings
from surveys.decisions.demo import create_demo_decisions
from surveys.demo import create_demo_surveys
from surveys.engagement_events.demo import create_demo_events
from surveys.insights.demo import create_demo_insights
from surveys.insights.partner_demo import create_demo_partner_work
from surveys.results.demo import create_demo_results


def create_demo_data(session: Session, now: datetime) -> list[DemoAccount]:
    """Everything the demo needs; later capabilities add their own steps here."""
    load_reference_places(session)
    accounts = create_demo_staff(session, now)
    # Before the surveys, results and decisions, so their events queue messages for it.
    create_demo_webhooks(session, now)
    create_demo_members(session, now)
    create_demo_segments(session, now)
    create_demo_surveys(session, now)
    create_demo_bulletins(session, now)
    create_demo_tracking(session, now)
    create_demo_results(session, now)
    create_demo_decisions(session, now)
    create_demo_insights(session, now)
    create_demo_partner_work(session, now)
    create_demo_events(session, now)
    create_demo_meetings(session, now)
    create_demo_resident(session, now)
    create_demo_duplicates(session, now)
    create_demo_activity(session, now)
    create_demo_reconsent(session, now)
    return accounts
