"""The public archive of sent bulletins: which ones anyone may read, a page at a time, and each
one's web version (the same one "view in browser" shows: no names, personal links or pixels).

Which bulletins are public: every bulletin whose send finished (status sent), including those a
place team sent to its own place or to one segment. The web version of any bulletin is already
public to anyone holding its "view in browser" link, which names no one and is forwarded
freely; the content was written for members to read, not about them; and the panel publishes
what it does so that people who are not members can see it too. A place team's bulletin is
labelled with its place so readers elsewhere know it was written for that place. A segment's
name is never shown: segments are the staff's targeting and may describe who is in them.
Drafts, scheduled, sending, paused and cancelled bulletins never appear; a sent bulletin that is
being resent to a few people leaves the archive until that resend finishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from mailer.bulletins import rendering
from mailer.bulletins.models import Bulletin, BulletinStatus

PER_PAGE = 10
FEED_SIZE = 20
SUMMARY_LENGTH = 240
ICB_WIDE = "All of Lancashire and South Cumbria"


def _public():
    return sa.select(Bulletin).where(
        Bulletin.status == BulletinStatus.SENT, Bulletin.started_at.is_not(None)
    )


def _newest_first(query):
    return query.order_by(Bulletin.started_at.desc(), Bulletin.id.desc())


def web_version(bulletin: Bulletin) -> dict:
    """The bulletin's web version through the same entry point as "view in browser": the
    template context and the items, with no recipient's details, links or pixel in them."""
    return {
        "context": rendering.bulletin_context(bulletin),
        "items": rendering.item_views(bulletin),
    }


@dataclass(frozen=True)
class ArchiveEntry:
    """One sent bulletin as the archive lists it."""

    id: int
    title: str
    sent_at: datetime
    place_label: str
    summary: str


def _entry(bulletin: Bulletin) -> ArchiveEntry:
    summary = " ".join(web_version(bulletin)["context"].get("intro_text", "").split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return ArchiveEntry(
        bulletin.id, bulletin.title, bulletin.started_at, place_label(bulletin), summary
    )


def place_label(bulletin: Bulletin) -> str:
    """Who the bulletin was written for: its place team's place, or the whole ICB."""
    return bulletin.place.name if bulletin.place is not None else ICB_WIDE


def archive_page(session: Session, page: int) -> tuple[list[ArchiveEntry], int]:
    """One page of sent bulletins, newest first, and the number of pages (at least 1)."""
    total = session.scalar(sa.select(sa.func.count()).select_from(_public().subquery()))
    bulletins = session.scalars(
        _newest_first(_public())
        .options(joinedload(Bulletin.place))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return [_entry(b) for b in bulletins], max(1, -(-total // PER_PAGE))


def public_bulletin(session: Session, bulletin_id: int) -> Bulletin | None:
    """The sent bulletin with this id, or None when there is none anyone may read."""
    return session.scalar(
        _public().where(Bulletin.id == bulletin_id).options(joinedload(Bulletin.place))
    )


def feed_bulletins(session: Session) -> list[Bulletin]:
    """The newest sent bulletins for the feed, with their items and places loaded."""
    return list(
        session.scalars(
            _newest_first(_public())
            .options(joinedload(Bulletin.place), selectinload(Bulletin.items))
            .limit(FEED_SIZE)
        )
    )


def entry_for(bulletin: Bulletin) -> ArchiveEntry:
    """The archive's listing of one bulletin (title, date, place, summary)."""
    return _entry(bulletin)
