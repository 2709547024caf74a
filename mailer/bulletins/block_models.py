"""Bulletin blocks (heading, text, image, button, survey, event, results story, "you said, we
did"), the uploaded images they show, and saved blocks and templates for reuse."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow


class BlockKind(StrEnum):
    """What a block is; each kind keeps its own fields in BulletinBlock.data."""

    HEADING = "heading"
    TEXT = "text"
    IMAGE = "image"
    BUTTON = "button"
    SURVEY = "survey"
    EVENT = "event"
    RESULTS = "results"
    DECISION = "decision"

    @property
    def label(self) -> str:
        return {
            "heading": "Heading",
            "text": "Text",
            "image": "Image",
            "button": "Button",
            "survey": "Survey invitation",
            "event": "Event",
            "results": "Results story",
            "decision": "You said, we did",
        }[self.value]


class BulletinBlock(Base):
    """One block of a bulletin, in order."""

    __tablename__ = "bulletin_blocks"
    __table_args__ = (sa.Index("ix_bulletin_blocks_bulletin_position", "bulletin_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(sa.ForeignKey("bulletins.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[BlockKind] = mapped_column(enum_type(BlockKind))
    #: the kind's fields (text, url, label, alt, survey_id, ...); see block_fields.FIELDS.
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    image_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bulletin_images.id", ondelete="SET NULL")
    )

    image: Mapped[BulletinImage | None] = relationship()

    def __repr__(self) -> str:
        return f"<BulletinBlock {self.id} {self.kind}>"


class BulletinImage(Base):
    """An uploaded image, checked and resized, stored once by the hash of what is served."""

    __tablename__ = "bulletin_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of ``content``: the public address, and why the same picture is stored once.
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int]
    height: Mapped[int]
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<BulletinImage {self.id} {self.width}x{self.height}>"


class SavedBlock(Base):
    """A block saved for reuse in later bulletins."""

    __tablename__ = "bulletin_saved_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    kind: Mapped[BlockKind] = mapped_column(enum_type(BlockKind))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    image_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bulletin_images.id", ondelete="SET NULL")
    )
    #: the place team that saved it; null for the communications team (seen by everyone).
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SavedBlock {self.id} {self.kind}>"


class BulletinTemplate(Base):
    """A bulletin's blocks kept as a starting point for new bulletins."""

    __tablename__ = "bulletin_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    #: [{"kind": ..., "data": {...}, "image_id": ...}, ...] in order.
    blocks: Mapped[list] = mapped_column(sa.JSON, default=list)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<BulletinTemplate {self.id}>"
