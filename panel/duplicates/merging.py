"""Merging two records of one person, undoing it within 30 days, and erasing what was merged.

The record that joined first stays (its id and join date). It takes the details given most
recently, the union of both consent histories, every invitation, response, contact and bulletin
of the other, and the choices that limit contact from either (the later pause, an
unsubscribe). Where both were invited to one survey, the survey still counts one person: the
response sent last stays counted and the other is kept but set aside (ResponseStatus.DUPLICATE).
The merged-away record is marked merged, not deleted; everything moved is written in the merge
row, so undo puts back exactly what was there. After UNDO_DAYS the retention job erases it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import BulletinRecipient
from panel.audit.retention import record_retention_run
from panel.audit.services import record_audit
from panel.duplicates.models import MemberMerge, MergeStatus
from panel.field_errors import FieldError
from panel.members.models import ConsentKind, ConsentRecord, EqualityProfile, Member, MemberStatus
from panel.members.services.member_area import erase_member
from panel.segments.models import MemberContact
from surveys.decisions.models import DecisionNotice
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse

#: a merge can be undone for this long; then the merged-away record is erased.
UNDO_DAYS = 30
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "postcode",
    "place_id",
    "neighbourhood_id",
    "age_band",
    "topics",
    "preferred_format",
    "language",
    "heard_from",
)
LIMIT_FIELDS = ("paused_until", "bulletin_paused_until", "unsubscribed_at", "tracking_consent")
EQUALITY_FIELDS = (
    "sex",
    "gender_identity",
    "sexual_orientation",
    "ethnic_group",
    "religion",
    "disability",
    "carer",
    "armed_forces",
)
#: rows that follow the person, each a model with a member_id (unique ones handled apart).
_MOVABLE = {"consents": ConsentRecord, "contacts": MemberContact}


class MergeError(FieldError):
    """The merge or undo cannot be done as asked; the message says why."""


def _joined(member: Member) -> tuple[datetime, int]:
    return (member.joined_at or member.created_at, member.id)


def details_given_at(session: Session, member: Member) -> datetime:
    """When the member last gave details: signing up, a consent choice or equality answers."""
    latest_consent = session.scalar(
        sa.select(sa.func.max(ConsentRecord.at)).where(ConsentRecord.member_id == member.id)
    )
    times = [member.created_at, latest_consent]
    if member.equality is not None:
        times.append(member.equality.updated_at)
    return max(t for t in times if t is not None)


def _snapshot(member: Member) -> dict:
    values = {name: getattr(member, name) for name in DETAIL_FIELDS + LIMIT_FIELDS}
    values["email"] = member.email
    equality = member.equality
    values["equality"] = (
        None if equality is None else {name: getattr(equality, name) for name in EQUALITY_FIELDS}
    )
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((t for t in (a, b) if t is not None), default=None)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((t for t in (a, b) if t is not None), default=None)


def _ids(session: Session, model, member_id: int) -> list[int]:
    return list(session.scalars(sa.select(model.id).where(model.member_id == member_id)))


def _move(session: Session, model, ids: list[int], to_member_id: int) -> None:
    if ids:
        session.execute(sa.update(model).where(model.id.in_(ids)).values(member_id=to_member_id))


def _response_of(session: Session, invitation_id: int) -> SurveyResponse | None:
    return session.scalar(
        sa.select(SurveyResponse).where(SurveyResponse.invitation_id == invitation_id)
    )


def _rank(response: SurveyResponse | None) -> tuple:
    """Which of two responses to one survey counts: a sent one, the last sent; else the last
    touched."""
    if response is None:
        return (0,)
    if response.status is ResponseStatus.SUBMITTED:
        return (2, response.submitted_at, response.id)
    return (1, response.updated_at, response.id)


def _merge_invitations(session: Session, kept: Member, gone: Member, moves: dict) -> None:
    kept_by_survey = {
        inv.survey_id: inv
        for inv in session.scalars(sa.select(Invitation).where(Invitation.member_id == kept.id))
    }
    gone_invitations = list(
        session.scalars(sa.select(Invitation).where(Invitation.member_id == gone.id))
    )
    for invitation in gone_invitations:
        other = kept_by_survey.get(invitation.survey_id)
        if other is None:
            moves["invitations"].append(invitation.id)
            continue
        mine, theirs = _response_of(session, other.id), _response_of(session, invitation.id)
        both_sent = all(
            r is not None and r.status is ResponseStatus.SUBMITTED for r in (mine, theirs)
        )
        counted_is_theirs = _rank(theirs) > _rank(mine)
        if both_sent:
            set_aside = mine if counted_is_theirs else theirs
            set_aside.status = ResponseStatus.DUPLICATE
            moves["set_aside"].append(set_aside.id)
        if counted_is_theirs:
            # The kept member holds the survey's counted response; the other stays with the
            # merged-away record (one invitation per member and survey).
            moves["swapped"].append([other.id, invitation.id])
    moves["invitations"].sort()
    _move(session, Invitation, moves["invitations"], kept.id)
    for kept_invitation_id, gone_invitation_id in moves["swapped"]:
        _swap(session, kept_invitation_id, gone_invitation_id, kept.id, gone.id)


def _swap(session: Session, first_id: int, second_id: int, first_owner: int, second_owner: int):
    """Give invitation ``first_id`` to ``second_owner`` and ``second_id`` to ``first_owner``,
    through a null so the one-invitation-per-survey constraint holds at every step."""
    session.execute(sa.update(Invitation).where(Invitation.id == first_id).values(member_id=None))
    session.execute(
        sa.update(Invitation).where(Invitation.id == second_id).values(member_id=first_owner)
    )
    session.execute(
        sa.update(Invitation).where(Invitation.id == first_id).values(member_id=second_owner)
    )


def _move_unique(session: Session, model, key: str, kept: Member, gone: Member) -> list[int]:
    """Move the rows of ``model`` whose ``key`` the kept member has no row for."""
    taken = sa.select(getattr(model, key)).where(model.member_id == kept.id)
    ids = list(
        session.scalars(
            sa.select(model.id).where(model.member_id == gone.id, getattr(model, key).not_in(taken))
        )
    )
    _move(session, model, ids, kept.id)
    return ids


def _apply(member: Member, values: dict, names) -> None:
    for name in names:
        value = values[name]
        if name in LIMIT_FIELDS[:3] and isinstance(value, str):
            value = datetime.fromisoformat(value)
        setattr(member, name, value)


def _apply_equality(member: Member, values: dict | None) -> None:
    if values is None:
        member.equality = None
        return
    if member.equality is None:
        member.equality = EqualityProfile()
    for name, value in values.items():
        setattr(member.equality, name, value)


def merge_members(
    session: Session,
    actor,
    first: Member,
    second: Member,
    now: datetime,
    *,
    score: float = 0.0,
    reasons: str = "",
    proposal: MemberMerge | None = None,
) -> MemberMerge:
    """Merge two active records of one person (see the module docstring). Raises MergeError if
    they are the same record or either is not an active member."""
    if first.id == second.id:
        raise MergeError("A member cannot be merged with themselves")
    if first.status is not MemberStatus.ACTIVE or second.status is not MemberStatus.ACTIVE:
        raise MergeError("Only two active members can be merged")
    kept, gone = sorted((first, second), key=_joined)
    newest = max((kept, gone), key=lambda m: (details_given_at(session, m), m.id))
    moves: dict = {
        "invitations": [],
        "set_aside": [],
        "swapped": [],
        "kept_before": _snapshot(kept),
    }
    moves["merged_email"] = gone.email
    gone.email = None
    session.flush()
    if newest is gone:
        _apply(kept, {name: getattr(gone, name) for name in DETAIL_FIELDS}, DETAIL_FIELDS)
        kept.email = moves["merged_email"]
        if gone.equality is not None:
            _apply_equality(kept, {name: getattr(gone.equality, name) for name in EQUALITY_FIELDS})
    kept.paused_until = _later(kept.paused_until, gone.paused_until)
    kept.bulletin_paused_until = _later(kept.bulletin_paused_until, gone.bulletin_paused_until)
    kept.unsubscribed_at = _earlier(kept.unsubscribed_at, gone.unsubscribed_at)
    for name, model in _MOVABLE.items():
        moves[name] = _ids(session, model, gone.id)
        _move(session, model, moves[name], kept.id)
    _merge_invitations(session, kept, gone, moves)
    moves["recipients"] = _move_unique(session, BulletinRecipient, "bulletin_id", kept, gone)
    moves["notices"] = _move_unique(session, DecisionNotice, "decision_id", kept, gone)
    session.expire(kept, ["consents"])
    latest_tracking = session.scalar(
        sa.select(ConsentRecord.given)
        .where(ConsentRecord.member_id == kept.id, ConsentRecord.kind == ConsentKind.TRACKING)
        .order_by(ConsentRecord.at.desc(), ConsentRecord.id.desc())
        .limit(1)
    )
    if latest_tracking is not None:
        kept.tracking_consent = latest_tracking
    gone.move_to(MemberStatus.MERGED)
    moves["kept_after"] = _snapshot(kept)
    merge = proposal or MemberMerge(proposed_at=now, score=0.0, reasons="")
    merge.kept_member_id, merge.merged_member_id = kept.id, gone.id
    merge.status, merge.merged_at, merge.decided_by_id = (
        MergeStatus.MERGED,
        now,
        getattr(actor, "id", None),
    )
    merge.score = score or merge.score or 0.0
    merge.reasons = (reasons or merge.reasons or "")[:300]
    merge.moves = moves
    session.add(merge)
    session.flush()
    record_audit(
        session,
        actor,
        "members.merge",
        "member",
        [kept.id, gone.id],
        detail=f"member {gone.id} merged into {kept.id}: {_describe(moves)}",
        now=now,
    )
    return merge


def _describe(moves: dict) -> str:
    return (
        f"{len(moves['consents'])} consent records, {len(moves['invitations'])} invitations, "
        f"{len(moves['swapped'])} surveys both were invited to, {len(moves['set_aside'])} "
        f"responses set aside as the same person's second, {len(moves['contacts'])} contacts, "
        f"{len(moves['recipients'])} bulletins, {len(moves['notices'])} decision notices"
    )


def undo_deadline(merge: MemberMerge) -> datetime | None:
    """When the merge stops being undoable (None if it is not a merge)."""
    return merge.merged_at + timedelta(days=UNDO_DAYS) if merge.merged_at else None


def undo_merge(session: Session, actor, merge: MemberMerge, now: datetime) -> None:
    """Put both records back as they were before the merge (details the kept member changed
    since stay as changed). Raises MergeError after UNDO_DAYS, or if either record has gone."""
    if merge.status is not MergeStatus.MERGED:
        raise MergeError("Only a merge can be undone")
    if now >= undo_deadline(merge):
        raise MergeError(f"A merge can be undone for {UNDO_DAYS} days; this one is older")
    kept = session.get(Member, merge.kept_member_id) if merge.kept_member_id else None
    gone = session.get(Member, merge.merged_member_id) if merge.merged_member_id else None
    if kept is None or gone is None or kept.status is not MemberStatus.ACTIVE:
        raise MergeError("The member has since left the panel, so the merge cannot be undone")
    moves, before, after = merge.moves, merge.moves["kept_before"], merge.moves["kept_after"]
    current = _snapshot(kept)
    # Restore only what still holds the merge's value: a later change by the member stays.
    unchanged = [n for n in DETAIL_FIELDS + LIMIT_FIELDS if current[n] == after[n]]
    emails = [before["email"], moves["merged_email"]]
    restore_email = current["email"] == after["email"]
    wanted = [e for e in emails if e] if restore_email else [moves["merged_email"]]
    holders = session.scalars(
        sa.select(Member.id).where(Member.email.in_([e for e in wanted if e]), Member.id != kept.id)
    ).all()
    if holders:
        raise MergeError("Another member now uses one of the email addresses, so undo would clash")
    if restore_email:
        kept.email = None
        session.flush()
        kept.email = before["email"]
    gone.email = moves["merged_email"]
    _apply(kept, before, unchanged)
    if current["equality"] == after["equality"]:
        _apply_equality(kept, before["equality"])
    for name, model in (
        *_MOVABLE.items(),
        ("recipients", BulletinRecipient),
        ("notices", DecisionNotice),
    ):
        _move(session, model, moves[name], gone.id)
    _move(session, Invitation, moves["invitations"], gone.id)
    for kept_invitation_id, gone_invitation_id in moves["swapped"]:
        _swap(session, gone_invitation_id, kept_invitation_id, kept.id, gone.id)
    if moves["set_aside"]:
        session.execute(
            sa.update(SurveyResponse)
            .where(SurveyResponse.id.in_(moves["set_aside"]))
            .values(status=ResponseStatus.SUBMITTED)
        )
    session.expire(kept, ["consents"])
    gone.move_to(MemberStatus.ACTIVE)
    merge.status, merge.undone_at = MergeStatus.UNDONE, now
    session.flush()
    record_audit(
        session,
        actor,
        "members.merge_undo",
        "member",
        [kept.id, gone.id],
        detail=f"merge {merge.id} undone: {_describe(moves)} put back",
        now=now,
    )


def merges_due_for_erasure(session: Session, now: datetime) -> list[MemberMerge]:
    """Merges past their undo period whose merged-away record is still held (the count the
    duplicates page shows before the job runs)."""
    cutoff = now - timedelta(days=UNDO_DAYS)
    return list(
        session.scalars(
            sa.select(MemberMerge)
            .where(MemberMerge.status == MergeStatus.MERGED, MemberMerge.merged_at <= cutoff)
            .order_by(MemberMerge.id)
        )
    )


def purge_merged_records(session: Session, now: datetime) -> int:
    """Erase the merged-away records of merges older than UNDO_DAYS (audited with a count);
    safe to run twice. Returns how many were erased."""
    due = merges_due_for_erasure(session, now)
    for merge in due:
        gone = session.get(Member, merge.merged_member_id) if merge.merged_member_id else None
        if gone is not None and gone.status is MemberStatus.MERGED:
            erase_member(session, gone, now, "merged into another record")
        merge.status, merge.purged_at = MergeStatus.PURGED, now
        merge.moves = {k: v for k, v in merge.moves.items() if k not in _PERSONAL_KEYS}
    session.flush()
    record_retention_run(
        session,
        "merged_members",
        {"merged member records erased": len(due)},
        now,
        object_type="member_merge",
        object_ids=[m.id for m in due],
    )
    return len(due)


_PERSONAL_KEYS = ("kept_before", "kept_after", "merged_email")
