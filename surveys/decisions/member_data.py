"""What the decisions register holds about a member: the decisions they were emailed about, in
their copy of their data and removed at erasure."""

from __future__ import annotations

import sqlalchemy as sa

from panel.members.services.member_area import erasure_step, member_data_section
from surveys.decisions.models import DecisionNotice, DecisionRecord


@member_data_section("decision_notices")
def decisions_told_section(session, member):
    """The decisions the member was told about, for their copy of their data."""
    rows = session.execute(
        sa.select(DecisionRecord.title, DecisionNotice.status, DecisionNotice.queued_at)
        .join(DecisionRecord, DecisionRecord.id == DecisionNotice.decision_id)
        .where(DecisionNotice.member_id == member.id)
        .order_by(DecisionNotice.queued_at)
    ).all()
    return "decisions_you_were_told_about", [
        {"decision": title, "status": status.value, "at": at.isoformat()}
        for title, status, at in rows
    ]


@erasure_step("decision_notices")
def erase_decision_notices(session, member, now) -> None:
    """Delete the record of which decisions the member was told about."""
    session.execute(sa.delete(DecisionNotice).where(DecisionNotice.member_id == member.id))
