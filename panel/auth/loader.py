"""Flask-Login's user loader: the cookie carries a login session's token, never a user id."""

from __future__ import annotations

import sqlalchemy as sa

from panel.auth.models import StaffUser
from panel.database import utcnow
from panel.extensions import db
from panel.login_sessions import LoginSession, live_session_filter


def load_staff_user(login_token: str) -> StaffUser | None:
    """The staff user whose unexpired session ``login_token`` names, if they may still sign in."""
    user = db.session.scalar(
        sa.select(StaffUser)
        .join(LoginSession, LoginSession.staff_user_id == StaffUser.id)
        .where(live_session_filter(login_token, utcnow()))
    )
    if user is None or not user.is_enabled or not user.has_second_factor:
        return None
    user.login_token = login_token
    return user
