"""Bulletin images: checked by their content (not their name), resized, stored once by hash.

Stored in the database, so every web server and both SQLite and PostgreSQL see the same file."""

from __future__ import annotations

import hashlib
import io

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailer.bulletins.block_models import BulletinImage
from mailer.bulletins.services.compose import ComposeError
from panel.image_decoding import ImageTooLarge, UnreadableImage, UnwantedFormat, decode_image

#: the largest upload accepted, and the widest image kept (wider ones are scaled down).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_WIDTH = 1200
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def _decode(data: bytes):
    try:
        return decode_image(data, frozenset(_FORMATS))
    except UnwantedFormat as error:
        raise ComposeError("image", "The image must be a PNG or JPEG file") from error
    except ImageTooLarge as error:
        raise ComposeError("image", "The image is too large: use a smaller picture") from error
    except UnreadableImage as error:
        raise ComposeError("image", "The file is not an image this editor can use") from error


def store_image(session: Session, data: bytes) -> BulletinImage:
    """The uploaded image, checked (PNG or JPEG by content, at most 5 MB), scaled down to at
    most 1,200 pixels wide, stripped of metadata and stored once. Raises ComposeError."""
    if not data:
        raise ComposeError("image", "Choose a PNG or JPEG image to upload")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ComposeError("image", "The image must be 5 MB or smaller")
    image = _decode(data)
    kind = image.format
    if image.width > MAX_WIDTH:
        height = max(1, round(image.height * MAX_WIDTH / image.width))
        image = image.resize((MAX_WIDTH, height), resample=1)  # 1: Lanczos
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    output = io.BytesIO()
    # Saved afresh: whatever else the file carried (EXIF location, comments) is left behind.
    image.save(output, format=kind, optimize=True, **({"quality": 85} if kind == "JPEG" else {}))
    content = output.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    existing = image_by_hash(session, digest)
    if existing is not None:
        return existing
    stored = BulletinImage(
        sha256=digest,
        content_type=_FORMATS[kind],
        width=image.width,
        height=image.height,
        content=content,
    )
    try:
        # A savepoint: two servers storing the same new image at once must not fail the upload.
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:
        return image_by_hash(session, digest)
    return stored


def image_by_hash(session: Session, digest: str) -> BulletinImage | None:
    """The stored image with this content hash, if any."""
    return session.scalar(sa.select(BulletinImage).where(BulletinImage.sha256 == digest))


def solid_png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour (demo data and benchmarks)."""
    from PIL import Image  # noqa: PLC0415  (see _decode)

    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format="PNG")
    return output.getvalue()
