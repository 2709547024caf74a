"""The activity section of the staff member record (registered by the composition root)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from panel.activity.figures import member_activity
from panel.members.models import Member
from panel.members.record_extras import RecordSection


def activity_section(session: Session, member: Member) -> RecordSection:
    """Invitations received, answers and last activity, and where the inactivity cycle stands."""
    return RecordSection("panel/activity/_member_activity.html", member_activity(session, member))
