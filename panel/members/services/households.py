"""The optional limit of members per household, checked at joining and at import.

Members hold no street address, so a household is the same surname at the same full postcode
(panel.members.matching.household_key). The limit is off unless MAX_MEMBERS_PER_HOUSEHOLD is set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.field_errors import FieldError
from panel.i18n import ngettext
from panel.members.matching import household_key
from panel.members.models import Member, MemberStatus


class HouseholdFull(FieldError):
    """The household already has as many members as the panel takes from one household."""

    field = "postcode"


def household_message(limit: int) -> str:
    """What a person is told when their household is full."""
    return ngettext(
        "The panel takes up to %(num)d person from one household (the same surname at the same "
        "postcode), and this household has reached it. If you are already a member, sign in "
        "instead",
        "The panel takes up to %(num)d people from one household (the same surname at the same "
        "postcode), and this household has reached it. If you are already a member, sign in "
        "instead",
        limit,
    )


def household_counts(session: Session, postcodes: Iterable[str]) -> Counter:
    """Active, inactive and pending members per household among the given postcodes."""
    codes = sorted({p for p in postcodes if p})
    counts: Counter = Counter()
    for start in range(0, len(codes), 500):
        rows = session.execute(
            sa.select(Member.last_name, Member.postcode).where(
                Member.postcode.in_(codes[start : start + 500]),
                Member.status.in_(
                    [MemberStatus.ACTIVE, MemberStatus.INACTIVE, MemberStatus.PENDING]
                ),
            )
        )
        counts.update(household_key(last, code) for last, code in rows)
    counts.pop(None, None)
    return counts


def check_household_room(
    session: Session, limit: int, last_name: str, postcode: str, email: str
) -> None:
    """Raise HouseholdFull if joining would take the household past ``limit`` (0: no limit).
    Someone of the household joining again with their own email is not counted twice."""
    key = household_key(last_name, postcode)
    if not limit or key is None:
        return
    same_person = session.execute(
        sa.select(Member.last_name, Member.postcode).where(
            Member.email == email.strip().lower(),
            Member.status.in_([MemberStatus.ACTIVE, MemberStatus.INACTIVE, MemberStatus.PENDING]),
        )
    ).first()
    if same_person is not None and household_key(*same_person) == key:
        return
    if household_counts(session, [postcode])[key] >= limit:
        raise HouseholdFull(household_message(limit))
