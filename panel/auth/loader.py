"""Flask-Login's user loader: the session carries a rotating token, not the user id."""

from __future__ import annotations

import sqlalchemy as sa

from panel.auth.models import StaffUser
from panel.extensions import db


def load_staff_user(session_token: str) -> StaffUser | None:
    user = db.session.scalar(sa.select(StaffUser).where(StaffUser.session_token == session_token))
    if user is None or not user.is_enabled or not user.has_second_factor:
        return None
    return user
