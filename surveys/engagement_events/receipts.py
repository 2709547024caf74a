"""Receipts for expense claims: checked by their content, never their name or the type the
browser claims (as bulletin images are), at most MAX_RECEIPT_BYTES, and stored in the database
so every web server and both SQLite and PostgreSQL see the same file."""

from __future__ import annotations

from panel.field_errors import FieldError

#: the largest receipt accepted (a phone photo of a ticket is well under this).
MAX_RECEIPT_BYTES = 5 * 1024 * 1024

#: what a receipt may be, by the bytes it starts with: (signature, media type, file extension).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)

#: media type -> file extension, for the receipt's download.
EXTENSIONS = {media_type: extension for _s, media_type, extension in _SIGNATURES}


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
