"""The duplicates list for a staff member, a merge's preview, proposals and "not the same"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.duplicates.merging import MergeError, details_given_at, merges_due_for_erasure
from panel.duplicates.models import DuplicateScan, MemberMerge, MergeStatus
from panel.duplicates.scans import latest_scan, scan_pairs_for
from panel.members.matching import MatchRecord, find_duplicates
from panel.members.models import ConsentRecord, Member, MemberStatus
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse

#: at most this many pairs are listed at once (best first); the page says how many there are.
SHOWN = 100


@dataclass
class Candidate:
    """A likely duplicate pair as the list shows it."""

    first: Member
    second: Member
    score: float
    reasons: list[str]
    proposal: MemberMerge | None


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _decided_pairs(session: Session) -> dict[tuple[int, int], MemberMerge]:
    rows = session.scalars(
        sa.select(MemberMerge).where(
            MemberMerge.status.in_([MergeStatus.PROPOSED, MergeStatus.NOT_DUPLICATE])
        )
    )
    return {_pair(m.kept_member_id, m.merged_member_id): m for m in rows if m.merged_member_id}


def match_records(session: Session, user: StaffUser) -> list[MatchRecord]:
    """The active members the user may see, as the detector reads them."""
    query = scope_to_places(
        sa.select(
            Member.id,
            Member.first_name,
            Member.last_name,
            Member.email,
            Member.postcode,
            Member.age_band,
        ).where(Member.status == MemberStatus.ACTIVE),
        user,
        Member.place_id,
    )
    return [MatchRecord(*row) for row in session.execute(query)]


def list_duplicates(
    session: Session, user: StaffUser
) -> tuple[list[Candidate], int, DuplicateScan | None]:
    """The likely duplicates the last stored scan found among the members the user may see
    (both of a pair, both still active), best first, without pairs judged different; how many
    there are in all; and the scan (None before the job first ran). Reads only."""
    scan = latest_scan(session)
    if scan is None:
        return [], 0, None
    decided = _decided_pairs(session)
    pairs = [
        p
        for p in scan_pairs_for(session, scan, user)
        if not ((m := decided.get((p[0], p[1]))) and m.status is MergeStatus.NOT_DUPLICATE)
    ]
    shown = pairs[:SHOWN]
    ids = {i for p in shown for i in (p[0], p[1])}
    members = {m.id: m for m in session.scalars(sa.select(Member).where(Member.id.in_(ids)))}
    return (
        [
            Candidate(
                members[first], members[second], score, list(reasons), decided.get((first, second))
            )
            for first, second, score, reasons in shown
        ],
        len(pairs),
        scan,
    )


@dataclass
class MergePreview:
    """What merging two records would do, shown before the second click."""

    kept: Member
    merged: Member
    #: the record whose details (name, email, postcode...) the kept record will hold.
    details_from: Member
    consents: int
    invitations: int
    both_invited: int
    both_answered: int


def preview_merge(session: Session, first: Member, second: Member) -> MergePreview:
    """What a merge of the two would do (reads only). Raises MergeError as merge_members."""
    if first.id == second.id:
        raise MergeError("A member cannot be merged with themselves")
    if first.status is not MemberStatus.ACTIVE or second.status is not MemberStatus.ACTIVE:
        raise MergeError("Only two active members can be merged")
    kept, merged = sorted((first, second), key=lambda m: (m.joined_at or m.created_at, m.id))
    consents = session.scalar(
        sa.select(sa.func.count()).where(ConsentRecord.member_id == merged.id)
    )
    kept_surveys = sa.select(Invitation.survey_id).where(Invitation.member_id == kept.id)
    invitations = session.scalar(
        sa.select(sa.func.count()).where(Invitation.member_id == merged.id)
    )
    both = session.scalar(
        sa.select(sa.func.count()).where(
            Invitation.member_id == merged.id, Invitation.survey_id.in_(kept_surveys)
        )
    )
    sent = (
        sa.select(Invitation.survey_id)
        .join(SurveyResponse, SurveyResponse.invitation_id == Invitation.id)
        .where(SurveyResponse.status == ResponseStatus.SUBMITTED)
    )
    both_answered = session.scalar(
        sa.select(sa.func.count()).select_from(
            sent.where(Invitation.member_id == merged.id)
            .intersect(sent.where(Invitation.member_id == kept.id))
            .subquery()
        )
    )
    details_from = max((kept, merged), key=lambda m: (details_given_at(session, m), m.id))
    return MergePreview(
        kept, merged, details_from, consents or 0, invitations or 0, both or 0, both_answered or 0
    )


def _open_decision(session: Session, first: Member, second: Member) -> MemberMerge | None:
    return _decided_pairs(session).get(_pair(first.id, second.id))


def propose_merge(
    session: Session, user: StaffUser, first: Member, second: Member, now: datetime
) -> MemberMerge:
    """A place team (or the comms team) asks the comms team to merge the pair. Raises
    MergeError if it is already proposed or judged different."""
    preview = preview_merge(session, first, second)
    if _open_decision(session, first, second) is not None:
        raise MergeError("This pair has already been proposed or judged to be two people")
    run = find_duplicates([_record(first), _record(second)], threshold=0.0).pairs
    proposal = MemberMerge(
        kept_member_id=preview.kept.id,
        merged_member_id=preview.merged.id,
        status=MergeStatus.PROPOSED,
        score=run[0].score if run else 0.0,
        reasons="; ".join(run[0].reasons)[:300] if run else "",
        proposed_by_id=user.id,
        proposed_at=now,
        moves={},
    )
    session.add(proposal)
    session.flush()
    record_audit(
        session,
        user,
        "members.merge_propose",
        "member",
        [preview.kept.id, preview.merged.id],
        now=now,
    )
    return proposal


def mark_not_duplicate(
    session: Session, user: StaffUser, first: Member, second: Member, now: datetime
) -> MemberMerge:
    """Record that the pair are two people, so the list stops showing them (a proposal of
    the pair is closed the same way)."""
    decision = _open_decision(session, first, second) or MemberMerge(
        kept_member_id=min(first.id, second.id),
        merged_member_id=max(first.id, second.id),
        proposed_at=now,
        moves={},
    )
    decision.status, decision.decided_by_id = MergeStatus.NOT_DUPLICATE, user.id
    session.add(decision)
    session.flush()
    record_audit(session, user, "members.not_duplicate", "member", [first.id, second.id], now=now)
    return decision


def _record(member: Member) -> MatchRecord:
    return MatchRecord(
        member.id,
        member.first_name,
        member.last_name,
        member.email,
        member.postcode,
        member.age_band,
    )


def score_of(first: Member, second: Member) -> tuple[float, list[str]]:
    """The detector's score and reasons for one pair."""
    pairs = find_duplicates([_record(first), _record(second)], threshold=0.0).pairs
    return (pairs[0].score, pairs[0].reasons) if pairs else (0.0, [])


def recent_merges(session: Session, user: StaffUser) -> list[MemberMerge]:
    """Merges still undoable or recently undone, of members the user may see, newest first."""
    kept_place = (
        sa.select(Member.place_id).where(Member.id == MemberMerge.kept_member_id).scalar_subquery()
    )
    query = scope_to_places(
        sa.select(MemberMerge).where(
            MemberMerge.status.in_([MergeStatus.MERGED, MergeStatus.UNDONE])
        ),
        user,
        kept_place,
    )
    return list(session.scalars(query.order_by(MemberMerge.merged_at.desc()).limit(50)))


def due_for_erasure_count(session: Session, now: datetime) -> int:
    """How many merged-away records the retention job will erase when it next runs."""
    return len(merges_due_for_erasure(session, now))
