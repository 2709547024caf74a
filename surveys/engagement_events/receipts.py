"""Receipts for expense claims: checked by their content, never their name or the type the
browser claims (as bulletin images are), at most MAX_RECEIPT_BYTES, and stored in the database
so every web server and both SQLite and PostgreSQL see the same file. A photo of a receipt is
kept as a one-page PDF made afresh from its pixels (its location and camera details are left
behind), so every receipt downloads as a PDF."""

from __future__ import annotations

import io

from panel.field_errors import FieldError
from panel.image_decoding import ImageTooLarge, UnreadableImage, decode_image

#: the largest receipt accepted (a phone photo of a ticket is well under this).
MAX_RECEIPT_BYTES = 5 * 1024 * 1024

#: what a receipt may be, by the bytes it starts with: (signature, media type, file extension).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


class ReceiptError(FieldError):
    """The uploaded receipt cannot be used; the message says why."""

    field = "receipt"


def receipt_type(data: bytes) -> str:
    """The media type of an uploaded receipt (PDF, PNG or JPEG, by its content). Raises
    ReceiptError for an empty, too large or other file."""
    if not data:
        raise ReceiptError("Choose the receipt to upload (a PDF, PNG or JPEG file)")
    if len(data) > MAX_RECEIPT_BYTES:
        raise ReceiptError("The receipt must be 5 MB or smaller")
    for signature, media_type, _extension in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    raise ReceiptError("The receipt must be a PDF, PNG or JPEG file")


def receipt_pdf(data: bytes) -> bytes:
    """The receipt as it is kept: a PDF as uploaded, a PNG or JPEG photo made into a one-page
    PDF. Raises ReceiptError as receipt_type does, or for a photo that cannot be read."""
    if receipt_type(data) == "application/pdf":
        return data
    try:
        image = decode_image(data)
    except ImageTooLarge as error:
        raise ReceiptError("The photo is too large: use a smaller picture") from error
    except UnreadableImage as error:
        raise ReceiptError("The photo of the receipt cannot be read: try another") from error
    output = io.BytesIO()
    image.convert("RGB").save(output, format="PDF")
    return output.getvalue()
