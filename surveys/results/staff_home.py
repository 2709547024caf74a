"""The results section of the staff home page: closed surveys still waiting to close the loop."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.staff_home_sections import StaffHomeSection
from surveys.results.follow_through import follow_through


def follow_through_section(
    session: Session, user: StaffUser, now: datetime
) -> StaffHomeSection | None:
    """Closed surveys the user may see and whether their results are out; None if there are none."""
    weeks = current_app.config["FOLLOW_THROUGH_WEEKS"]
    closed = follow_through(session, user, now, weeks)
    if not closed:
        return None
    return StaffHomeSection(
        "surveys/results/_staff_home_follow_through.html",
        {"follow_through": closed, "weeks": weeks},
    )
