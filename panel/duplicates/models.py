"""A merge of two member records (or a proposal of one, or a pair judged not to be one person)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type


class MergeStatus(StrEnum):
    """Where a pair stands: proposed by a place team, merged, undone, judged different, purged."""

    PROPOSED = "proposed"
    MERGED = "merged"
    UNDONE = "undone"
    #: staff judged the pair to be two people: the detector stops listing it.
    NOT_DUPLICATE = "not_duplicate"
    #: merged and the 30 days to undo passed: the merged-away record has been erased.
    PURGED = "purged"


class MemberMerge(Base):
    """Two members judged to be one person, and, once merged, exactly what moved (for undo)."""

    __tablename__ = "member_merges"
    __table_args__ = (sa.Index("ix_member_merges_status_merged", "status", "merged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the record that stays: the one that joined first.
    kept_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    #: the record merged into it: kept, marked merged, for the 30 days undo is possible.
    merged_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[MergeStatus] = mapped_column(enum_type(MergeStatus))
    #: the detector's score and reasons when the pair was proposed or merged.
    score: Mapped[float] = mapped_column(sa.Float, default=0.0)
    reasons: Mapped[str] = mapped_column(sa.String(300), default="")
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    merged_at: Mapped[datetime | None]
    undone_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    #: what the merge changed, so undo restores exactly: ids of the rows moved to the kept
    #: member, responses set aside, the kept member's details before, the merged email. Emptied
    #: of personal details when the merged-away record is purged.
    moves: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    kept_member = relationship("Member", foreign_keys=[kept_member_id])
    merged_member = relationship("Member", foreign_keys=[merged_member_id])

    def __repr__(self) -> str:
        return (
            f"<MemberMerge {self.id} {self.status} {self.kept_member_id}<-{self.merged_member_id}>"
        )


class DuplicateScan(Base):
    """One run of the duplicate detector over every active member, stored by a job so that no
    page runs the detector (seconds at 100,000 members) while someone reads it."""

    __tablename__ = "duplicate_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(index=True)
    members_checked: Mapped[int]
    threshold: Mapped[float] = mapped_column(sa.Float)
    #: how many likely pairs, in all and by place ({place id or "none": pairs with a member
    #: there}); kept for every run, for the panel health figures per month.
    pair_count: Mapped[int]
    by_place: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: the pairs, best first: [first member id, second member id, score, [reasons]]. Only the
    #: newest run keeps them; older runs keep their counts only.
    pairs: Mapped[list | None] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<DuplicateScan {self.id} {self.pair_count} pairs>"
