"""Reuse: a block saved to add to later bulletins, and a bulletin's blocks kept as a template."""

from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.block_models import (
    BlockKind,
    BulletinBlock,
    BulletinImage,
    BulletinTemplate,
    SavedBlock,
)
from mailer.bulletins.models import Bulletin
from mailer.bulletins.services.blocks import save_block
from mailer.bulletins.services.compose import ComposeError
from panel.auth.access import visible_place_ids
from panel.auth.models import StaffUser


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ComposeError("name", "Enter a name to find it by later")
    if len(name) > 150:
        raise ComposeError("name", "Use 150 characters or fewer")
    return name


def _visible(model, user: StaffUser):
    """Comms see every saved block and template; a place team its places' and the ICB-wide."""
    query = sa.select(model).order_by(model.name, model.id)
    places = visible_place_ids(user)
    if places is not None:
        query = query.where(sa.or_(model.place_id.is_(None), model.place_id.in_(sorted(places))))
    return query


def saved_blocks(session: Session, user: StaffUser) -> list[SavedBlock]:
    """The saved blocks ``user`` may reuse, by name."""
    return list(session.scalars(_visible(SavedBlock, user)))


def templates(session: Session, user: StaffUser) -> list[BulletinTemplate]:
    """The bulletin templates ``user`` may start from, by name."""
    return list(session.scalars(_visible(BulletinTemplate, user)))


def save_for_reuse(
    session: Session, user: StaffUser, bulletin: Bulletin, block: BulletinBlock, name: str
) -> SavedBlock:
    """Keep a copy of the block under ``name`` (for the bulletin's team). Raises ComposeError."""
    saved = SavedBlock(
        name=_name(name),
        kind=block.kind,
        data=copy.deepcopy(block.data or {}),
        image_id=block.image_id,
        place_id=bulletin.place_id,
        created_by_id=user.id,
    )
    session.add(saved)
    session.flush()
    return saved


def save_template(
    session: Session, user: StaffUser, bulletin: Bulletin, name: str
) -> BulletinTemplate:
    """Keep the bulletin's blocks, in order, as a template. Raises ComposeError."""
    if not bulletin.blocks:
        raise ComposeError("name", "Add blocks before saving them as a template")
    template = BulletinTemplate(
        name=_name(name),
        blocks=[
            {"kind": b.kind.value, "data": copy.deepcopy(b.data or {}), "image_id": b.image_id}
            for b in bulletin.blocks
        ],
        place_id=bulletin.place_id,
        created_by_id=user.id,
    )
    session.add(template)
    session.flush()
    return template


def _add(session, user, bulletin, kind, data, image_id) -> bool:
    image = session.get(BulletinImage, image_id) if image_id else None
    try:
        save_block(session, user, bulletin, None, BlockKind(kind), dict(data or {}), image)
    except ComposeError:
        # What it chose is no longer there for this bulletin (a closed survey, another place's).
        return False
    return True


def add_saved_block(
    session: Session, user: StaffUser, bulletin: Bulletin, saved: SavedBlock
) -> bool:
    """Add a copy of the saved block at the end, checked as if typed; False if it no longer
    passes (say, its survey closed). Raises IllegalTransition for a bulletin being sent."""
    return _add(session, user, bulletin, saved.kind, saved.data, saved.image_id)


def add_template(
    session: Session, user: StaffUser, bulletin: Bulletin, template: BulletinTemplate
) -> tuple[int, int]:
    """Add the template's blocks at the end; (added, left out because no longer valid)."""
    added = sum(
        _add(session, user, bulletin, entry.get("kind"), entry.get("data"), entry.get("image_id"))
        for entry in template.blocks or []
        if entry.get("kind") in {kind.value for kind in BlockKind}
    )
    return added, len(template.blocks or []) - added
