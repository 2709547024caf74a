"""Staff pages for likely duplicate members: the list, a pair with what merging would do, and a
merge with its undo. Place teams see and propose pairs within their places; the comms team
merges, judges pairs different and undoes. Every page showing members is audited."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import MEMBER_DATA_ROLES, can_see_place, get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.duplicates import merging, services
from panel.duplicates.models import MemberMerge
from panel.extensions import db
from panel.forms_common import ConfirmForm
from panel.members import reference
from panel.members.matching import DEFAULT_THRESHOLD
from panel.members.models import Member

blueprint = Blueprint("duplicates", __name__, url_prefix="/staff/duplicates")


@blueprint.get("/")
@staff_required(*MEMBER_DATA_ROLES)
def index():
    """Likely duplicates among the members the user may see, best first (audited)."""
    now = utcnow()
    candidates, total, scan = services.list_duplicates(db.session, current_user)
    merges = services.recent_merges(db.session, current_user)
    shown = [m.id for c in candidates for m in (c.first, c.second)]
    record_audit(
        db.session, current_user, "members.duplicates", "member", shown, f"{total} pairs", now
    )
    db.session.commit()
    return render_template(
        "panel/duplicates/index.html",
        candidates=candidates,
        total=total,
        scan=scan,
        merges=merges,
        due=services.due_for_erasure_count(db.session, now),
        undo_days=merging.UNDO_DAYS,
        threshold=DEFAULT_THRESHOLD,
    )


def _pair(member_id: int, other_id: int) -> tuple[Member, Member]:
    return (
        get_scoped_or_404(db.session, Member, member_id, current_user),
        get_scoped_or_404(db.session, Member, other_id, current_user),
    )


def _pair_page(first: Member, second: Member, error: str | None = None, status: int = 200):
    cannot_merge = None
    try:
        preview = services.preview_merge(db.session, first, second)
    except merging.MergeError as problem:
        # Said plainly, not as an error: nothing was submitted yet.
        cannot_merge, preview = str(problem), None
    score, reasons = services.score_of(first, second)
    record_audit(
        db.session, current_user, "members.duplicate_pair", "member", [first.id, second.id]
    )
    db.session.commit()
    page = render_template(
        "panel/duplicates/pair.html",
        first=first,
        second=second,
        preview=preview,
        score=score,
        reasons=reasons,
        error=error,
        cannot_merge=cannot_merge,
        reference=reference,
        undo_days=merging.UNDO_DAYS,
    )
    return page, status


@blueprint.get("/<int:member_id>/<int:other_id>")
@staff_required(*MEMBER_DATA_ROLES)
def pair(member_id: int, other_id: int):
    """Two members side by side, and what merging them would do (the confirmation step)."""
    return _pair_page(*_pair(member_id, other_id))


@blueprint.post("/<int:member_id>/<int:other_id>/merge")
@staff_required(Role.COMMS)
def merge(member_id: int, other_id: int):
    """Merge the pair (the second click, after the pair page said what will happen)."""
    first, second = _pair(member_id, other_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    score, reasons = services.score_of(first, second)
    try:
        done = merging.merge_members(
            db.session,
            current_user,
            first,
            second,
            utcnow(),
            score=score,
            reasons="; ".join(reasons),
        )
    except merging.MergeError as error:
        db.session.rollback()
        # the rollback expired both records: read them again (a 404 if one has gone meanwhile)
        first, second = _pair(member_id, other_id)
        return _pair_page(first, second, str(error), 422)
    db.session.commit()
    flash(f"Merged. You can undo this for {merging.UNDO_DAYS} days.", "info")
    return redirect(url_for("duplicates.merge_detail", merge_id=done.id))


@blueprint.post("/<int:member_id>/<int:other_id>/propose")
@staff_required(*MEMBER_DATA_ROLES)
def propose(member_id: int, other_id: int):
    """Ask the comms team to merge the pair."""
    first, second = _pair(member_id, other_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.propose_merge(db.session, current_user, first, second, utcnow())
    except merging.MergeError as error:
        db.session.rollback()
        # the rollback expired both records: read them again (a 404 if one has gone meanwhile)
        first, second = _pair(member_id, other_id)
        return _pair_page(first, second, str(error), 422)
    db.session.commit()
    flash("Proposed: the communications and engagement team will review the merge.", "info")
    return redirect(url_for("duplicates.index"))


@blueprint.post("/<int:member_id>/<int:other_id>/not-duplicate")
@staff_required(Role.COMMS)
def not_duplicate(member_id: int, other_id: int):
    """Record that the pair are two people, so they are no longer listed."""
    first, second = _pair(member_id, other_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_not_duplicate(db.session, current_user, first, second, utcnow())
    db.session.commit()
    flash("Noted: these are two people and will not be listed again.", "info")
    return redirect(url_for("duplicates.index"))


def _scoped_merge(merge_id: int) -> MemberMerge:
    record = db.session.get(MemberMerge, merge_id)
    kept = record.kept_member if record else None
    if record is None or kept is None or not can_see_place(current_user, kept.place_id):
        abort(404)
    return record


def _merge_page(record: MemberMerge, error: str | None = None, status: int = 200):
    record_audit(
        db.session,
        current_user,
        "members.merge_view",
        "member",
        [i for i in (record.kept_member_id, record.merged_member_id) if i],
    )
    db.session.commit()
    now = utcnow()
    deadline = merging.undo_deadline(record)
    page = render_template(
        "panel/duplicates/merge.html",
        merge=record,
        error=error,
        deadline=deadline,
        can_undo=record.status.value == "merged" and deadline is not None and now < deadline,
        moves=record.moves or {},
    )
    return page, status


@blueprint.get("/merges/<int:merge_id>")
@staff_required(*MEMBER_DATA_ROLES)
def merge_detail(merge_id: int):
    """One merge: what moved, and undo while it is possible (audited)."""
    return _merge_page(_scoped_merge(merge_id))


@blueprint.post("/merges/<int:merge_id>/undo")
@staff_required(Role.COMMS)
def undo(merge_id: int):
    """Undo a merge within its 30 days."""
    record = _scoped_merge(merge_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        merging.undo_merge(db.session, current_user, record, utcnow())
    except merging.MergeError as error:
        db.session.rollback()
        return _merge_page(record, str(error), 422)
    db.session.commit()
    flash("Merge undone: both records are back as they were.", "info")
    return redirect(url_for("duplicates.merge_detail", merge_id=record.id))
