"""What the bulletin pages show, gathered here so the views stay thin and templates never query."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import (
    BatchState,
    Bulletin,
    BulletinBatch,
    BulletinRecipient,
    BulletinStatus,
    ItemKind,
    RecipientState,
)
from mailer.bulletins.rendering import content_warnings
from mailer.bulletins.services import audience, compose, contributions
from panel.auth.models import Role, StaffUser
from panel.local_time import AmbiguousTime, NonExistentTime, resolve_local_time
from panel.members.views_support import place_choices
from panel.segments.services.segments import get_segment_or_404, segment_choices


def with_survey_choices(form, session: Session, user: StaffUser):
    """The item form offering only the surveys ``user`` may invite people to."""
    form.survey_id.choices = [(0, "No survey")] + compose.invitable_surveys(session, user)
    return form


def owner_choices(user: StaffUser) -> list[tuple[int, str]]:
    """The owners a user may give a bulletin: their places, or the whole panel for the ICB teams."""
    if user.role is Role.PLACE:
        return [(p.id, f"Members in {p.name}") for p in user.places]
    return [(0, "The whole panel (communications and engagement team)")] + [
        (place_id, f"Members in {name}") for place_id, name in place_choices()
    ]


def audience_choices(session: Session, user: StaffUser) -> list[tuple[int, str]]:
    """Audience choices: everyone (in the user's places) or one of the user's segments."""
    whole = "Everyone on the panel" + (" in your places" if user.role is Role.PLACE else "")
    return [(0, whole)] + [
        (id_, f"Segment: {name}") for id_, name in segment_choices(session, user)
    ]


def segment_or_404(session: Session, segment_id: int, user: StaffUser):
    """The segment with that id if the user may see it, None for no segment; 404 otherwise."""
    if not segment_id:
        return None
    return get_segment_or_404(session, segment_id, user)


def audience_counts(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime):
    """How many the bulletin would reach and skip, or None when the audience cannot be counted."""
    try:
        return audience.count_audience(session, bulletin, user, now)
    except audience.AudienceError:
        return None


def state_counts(session: Session, bulletin_id: int) -> dict[str, int]:
    """Number of the bulletin's recipients in each state."""
    rows = session.execute(
        sa.select(BulletinRecipient.state, sa.func.count())
        .where(BulletinRecipient.bulletin_id == bulletin_id)
        .group_by(BulletinRecipient.state)
    ).all()
    counts = {state.value: 0 for state in RecipientState}
    counts.update({str(state.value if hasattr(state, "value") else state): n for state, n in rows})
    return counts


def progress(bulletin: Bulletin, counts: dict[str, int], now: datetime) -> dict:
    """Send progress for the page: sent of total, per-second rate, seconds left and percent."""
    total = bulletin.recipient_count
    done = counts["accepted"]
    elapsed = (
        ((bulletin.finished_at or now) - bulletin.started_at).total_seconds()
        if (bulletin.started_at)
        else 0
    )
    rate = done / elapsed if elapsed > 0 else 0.0
    left = counts["pending"] + counts["sending"]
    return {
        "total": total,
        "sent": done,
        "rate": round(rate),
        "seconds_left": round(left / rate) if rate and left else None,
        "percent": round(100 * done / total) if total else 0,
    }


def detail_context(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime) -> dict:
    """What the bulletin page shows: counts, progress, problem batches and audience."""
    counts = state_counts(session, bulletin.id)
    problem_batches = list(
        session.scalars(
            sa.select(BulletinBatch)
            .where(
                BulletinBatch.bulletin_id == bulletin.id,
                BulletinBatch.state.in_([BatchState.FAILED, BatchState.UNKNOWN]),
            )
            .order_by(BulletinBatch.id)
        )
    )
    started = bulletin.started_at is not None
    return {
        "bulletin": bulletin,
        "counts": counts,
        "progress": progress(bulletin, counts, now),
        "problem_batches": problem_batches,
        "unresolved": counts["unknown"] + counts["failed"],
        "audience_preview": None if started else audience_counts(session, bulletin, user, now),
        "warnings": [] if started else compose_warnings(bulletin),
        "live": bulletin.status is BulletinStatus.SENDING,
    }


def compose_warnings(bulletin: Bulletin) -> list[str]:
    """Warnings about the bulletin's content to show while composing it."""
    return content_warnings(bulletin)


def resolve_schedule_form(form, zone: str, now: datetime) -> datetime | None:
    """The instant the form asks for, or None with the field errors set (never a guess)."""
    if form.when.data == "now":
        return now
    if form.send_date.data is None:
        form.send_date.errors.append("Enter the date to send")
        return None
    if form.send_time.data is None:
        form.send_time.errors.append("Enter the time to send")
        return None
    fold = int(form.fold.data) if form.fold.data in ("0", "1") else None
    try:
        when = resolve_local_time(form.send_date.data, form.send_time.data, zone, fold)
    except NonExistentTime:
        form.send_time.errors.append(
            "This time does not exist on that day because the clocks go forward: choose another"
        )
        return None
    except AmbiguousTime as ambiguous:
        labels = {0: "The first time (British Summer Time)", 1: "The second time (GMT)"}
        form.fold.choices = [(str(f), labels[f]) for f, _instant in ambiguous.choices]
        form.fold.errors.append(
            "This time happens twice because the clocks go back: choose which one you mean"
        )
        return None
    if when < now:
        form.send_date.errors.append("Choose a time in the future, or send now")
        return None
    return when


def item_values(form) -> dict:
    """An item form's fields as the keyword arguments the compose and contribution services
    take (empty optional fields as the services expect them)."""
    return {
        "kind": ItemKind(form.kind.data),
        "title": form.title.data,
        "body": form.body.data or "",
        "link_url": form.link_url.data or "",
        "link_text": form.link_text.data or "",
        "survey_id": form.survey_id.data or None,
    }


def open_bulletin_choices(session: Session, user: StaffUser) -> list[tuple[int, str]]:
    """Bulletins the user may still add an item to, for a choice list."""
    return [(0, "Choose a bulletin")] + [
        (b.id, b.title) for b in compose.visible_bulletins(session, user) if b.is_editable
    ]


def apply_review(session: Session, user: StaffUser, item, form, now: datetime):
    """Save the reviewer's edits and decision; returns a ComposeError to show, or None."""
    try:
        compose.save_item(
            session,
            user,
            None,
            item,
            **item_values(form),
        )
        bulletin = session.get(Bulletin, form.bulletin_id.data) if form.bulletin_id.data else None
        contributions.review_contribution(
            session,
            user,
            item,
            decision=form.decision.data,
            note=form.note.data or "",
            bulletin=bulletin,
            now=now,
        )
    except compose.ComposeError as error:
        return error
    return None
