"""Access control in one place: the staff route decorator and the place-scoping query helper.

Every staff view declares who may use it with ``staff_required``; every query that lists, counts,
exports or sends on behalf of a staff member narrows itself with ``scope_to_places``.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from panel.auth.models import Role, StaffUser
from panel.extensions import login_manager

#: the ICB's own staff: what ``staff_required()`` with no roles allows (never a partner).
ALL_STAFF = frozenset({Role.COMMS, Role.PLACE, Role.OBSERVER})
#: every account, partners included: only pages every account has (home, own account).
ALL_ACCOUNTS = frozenset(Role)
#: who may see members' personal data (observers read results and reports only).
MEMBER_DATA_ROLES = frozenset({Role.COMMS, Role.PLACE})


def staff_required(*roles: Role):
    """Allow signed-in staff holding one of ``roles`` (any ICB staff role when none are given:
    a partner account is let in only where ``Role.PARTNER`` is named)."""
    allowed = frozenset(roles) or ALL_STAFF

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.staff_roles = allowed
        return wrapped

    return decorator


def visible_place_ids(user: StaffUser) -> frozenset[int] | None:
    """The places whose people this user may see; None means every place.

    An observer with places is a member of those places' partnership boards: they read their
    own places' figures and reports only. A partner sees no place's people at all."""
    if user.role is Role.PARTNER:
        return frozenset()
    if user.role is Role.PLACE or (user.role is Role.OBSERVER and user.place_ids):
        return frozenset(user.place_ids)
    return None


def scope_to_places(statement, user: StaffUser, place_column):
    """Narrow a select() to rows whose ``place_column`` is one of the user's places.

    Rows with no place are visible only to users who see every place.
    """
    place_ids = visible_place_ids(user)
    if place_ids is None:
        return statement
    return statement.where(place_column.in_(sorted(place_ids)))


def can_see_place(user: StaffUser, place_id: int | None) -> bool:
    """Whether the user may see records of that place (None: ICB-wide records)."""
    place_ids = visible_place_ids(user)
    return place_ids is None or (place_id is not None and place_id in place_ids)


def get_scoped_or_404(session, model, object_id, user: StaffUser, place_attr: str = "place_id"):
    """Load one record the user may see; a record of another place is a 404, like a missing one."""
    record = session.get(model, object_id)
    if record is None or not can_see_place(user, getattr(record, place_attr)):
        abort(404)
    return record
