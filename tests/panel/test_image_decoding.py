"""The one safe way uploads are opened as pictures (bulletin images and receipt photos), and
the message each upload form gives for each way a picture can be unusable."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from mailer.bulletins.services.compose import ComposeError
from mailer.bulletins.services.images import store_image
from panel.image_decoding import (
    MAX_PIXELS,
    ImageTooLarge,
    UnreadableImage,
    UnwantedFormat,
    decode_image,
)
from surveys.engagement_events.receipts import ReceiptError, receipt_pdf


def _picture(kind: str, size=(4, 3)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(output, format=kind)
    return output.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims another size (as a decompression bomb's does)."""
    data = bytearray(_picture("PNG"))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


BOMB = _png_claiming(10_000, MAX_PIXELS // 10_000 + 1)


def test_a_picture_is_loaded_and_each_unusable_upload_is_its_own_error():
    assert decode_image(_picture("PNG")).size == (4, 3)
    with pytest.raises(UnwantedFormat):
        decode_image(_picture("GIF"), frozenset({"PNG", "JPEG"}))
    assert decode_image(_picture("GIF")).format == "GIF"  # no formats asked for: any picture
    with pytest.raises(ImageTooLarge):
        decode_image(BOMB)
    for unreadable in (b"not a picture", _picture("PNG")[:40], b""):
        with pytest.raises(UnreadableImage):
            decode_image(unreadable)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_picture("GIF"), "must be a PNG or JPEG"),
        (BOMB, "too large"),
        (_picture("PNG")[:40], "not an image this editor can use"),
    ],
)
def test_a_bulletin_image_upload_says_what_is_wrong_next_to_the_image(session, upload, message):
    with pytest.raises(ComposeError, match=message) as refused:
        store_image(session, upload)
    assert refused.value.field == "image"


@pytest.mark.parametrize(
    ("upload", "message"),
    [(BOMB, "too large"), (_picture("JPEG")[:40], "cannot be read")],
)
def test_a_receipt_photo_says_what_is_wrong_next_to_the_receipt(upload, message):
    with pytest.raises(ReceiptError, match=message) as refused:
        receipt_pdf(upload)
    assert refused.value.field == "receipt"
    assert receipt_pdf(_picture("JPEG")).startswith(b"%PDF-")
