"""What a staff member is shown of a segment: its live counts, or why they are withheld."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.segments.models import Segment
from panel.segments.services.fatigue import TargetCounts, target_counts
from panel.segments.services.segments import segment_member_query
from panel.segments.services.special_category import SpecialCategoryRefused


@dataclass(frozen=True)
class SegmentFigures:
    """A segment's counts for its page, or why they are withheld."""

    #: matched, skipped and will receive; None when withheld.
    counts: TargetCounts | None
    #: why the counts are not shown (the equality-data rule), or "".
    withheld: str = ""


def segment_figures(
    session: Session, segment: Segment, user: StaffUser, now: datetime, zone: str = "Europe/London"
) -> SegmentFigures:
    """The segment's live counts net of caps and pauses, or, when they rest on special category
    conditions the user may not use, none at all and the reason (the refusal is audited)."""
    try:
        query = segment_member_query(session, segment, user, now, zone)
    except SpecialCategoryRefused as error:
        return SegmentFigures(None, str(error))
    return SegmentFigures(target_counts(session, query, now))
