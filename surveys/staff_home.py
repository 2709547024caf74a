"""The surveys section of the staff home page: surveys waiting for the user's sign-off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.staff_home_sections import StaffHomeSection
from surveys.services.sign_off import waiting_for_sign_off


def sign_off_section(session: Session, user: StaffUser, now: datetime) -> StaffHomeSection | None:
    """Surveys in review the user may approve; None when there are none."""
    waiting = waiting_for_sign_off(session, user)
    if not waiting:
        return None
    return StaffHomeSection("surveys/_staff_home_sign_off.html", {"waiting": waiting})
