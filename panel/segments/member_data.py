"""What the segments domain holds about a member: their contact history, in exports and erasure."""

from __future__ import annotations

import sqlalchemy as sa

from panel.members.services.member_area import erasure_step, member_data_section
from panel.segments.models import MemberContact


@member_data_section("member_contacts")
def contact_history_section(session, member):
    """The contacts recorded for a member, for their copy of their data."""
    rows = session.scalars(
        sa.select(MemberContact)
        .where(MemberContact.member_id == member.id)
        .order_by(MemberContact.at)
    ).all()
    return "contact_history", [{"kind": r.kind.value, "at": r.at.isoformat()} for r in rows]


@erasure_step("member_contacts")
def erase_contact_history(session, member, now) -> None:
    """Delete the member's contact history."""
    # Counts of invitations per survey live on the survey side; the link to the person goes.
    session.execute(sa.delete(MemberContact).where(MemberContact.member_id == member.id))
