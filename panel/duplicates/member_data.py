"""What the merge records hold about a member: in their copy of their data, cleared at erasure
and when equality consent is withdrawn."""

from __future__ import annotations

import sqlalchemy as sa

from panel.duplicates.models import MemberMerge, MergeStatus
from panel.members.services.member_area import (
    equality_withdrawal_step,
    erase_member,
    erasure_step,
    member_data_section,
)

PERSONAL_KEYS = ("kept_before", "kept_after", "merged_email")


def _merges_of(session, member) -> list[MemberMerge]:
    return list(
        session.scalars(
            sa.select(MemberMerge)
            .where(
                sa.or_(
                    MemberMerge.kept_member_id == member.id,
                    MemberMerge.merged_member_id == member.id,
                )
            )
            .order_by(MemberMerge.id)
        )
    )


@member_data_section("member_merges")
def merges_section(session, member):
    """Records of the member merged with this one (a second sign-up), for their data copy."""
    return "records_merged_with_yours", [
        {
            "status": merge.status.value,
            "merged_at": merge.merged_at.isoformat() if merge.merged_at else None,
            "other_record": merge.merged_member_id
            if merge.kept_member_id == member.id
            else merge.kept_member_id,
        }
        for merge in _merges_of(session, member)
    ]


@erasure_step("member_merges")
def erase_merge_details(session, member, now) -> None:
    """Leaving erases the details merges kept for undo, and any record merged into this one."""
    for merge in _merges_of(session, member):
        merge.moves = {k: v for k, v in (merge.moves or {}).items() if k not in PERSONAL_KEYS}
        if merge.status is MergeStatus.MERGED:
            merge.status, merge.purged_at = MergeStatus.PURGED, now
            other = merge.merged_member if merge.kept_member_id == member.id else None
            if other is not None and other.status.value == "merged":
                erase_member(
                    session, other, now, "left the panel with the record it was merged into"
                )


@equality_withdrawal_step
def forget_equality_in_merges(session, member) -> None:
    """Drop the equality answers copied into merge records (kept for undo) at withdrawal."""
    for merge in _merges_of(session, member):
        moves = dict(merge.moves or {})
        for key in ("kept_before", "kept_after"):
            if moves.get(key):
                moves[key] = {**moves[key], "equality": None}
        merge.moves = moves
