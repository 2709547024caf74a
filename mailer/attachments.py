"""Files sent with an email (an event's calendar entry): what may be attached, and how it is kept
in the queue (base64 in JSON) until the sending job hands it to the provider."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

#: media types the panel attaches; anything else is a programming error, not user input.
ALLOWED_TYPES = frozenset({"text/calendar", "application/pdf"})
#: SendGrid accepts up to 30 MB per message; ours are a few kilobytes, and a queue row stays small.
MAX_BYTES = 256 * 1024
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}")


@dataclass(frozen=True)
class Attachment:
    """One file: its name as the reader sees it, its media type and its bytes."""

    filename: str
    content_type: str
    content: bytes

    def __post_init__(self):
        if not _FILENAME.fullmatch(self.filename):
            raise ValueError(f"not a plain file name: {self.filename!r}")
        if self.content_type not in ALLOWED_TYPES:
            raise ValueError(f"not an attachment type the panel sends: {self.content_type}")
        if len(self.content) > MAX_BYTES:
            raise ValueError(f"attachment over {MAX_BYTES} bytes: {self.filename}")

    @property
    def base64(self) -> str:
        return base64.b64encode(self.content).decode("ascii")


def to_stored(attachments) -> list[dict]:
    """As kept on the queued email (JSON)."""
    return [
        {"filename": a.filename, "type": a.content_type, "content": a.base64} for a in attachments
    ]


def from_stored(stored) -> list[Attachment]:
    """Back from the queued email's JSON."""
    return [
        Attachment(item["filename"], item["type"], base64.b64decode(item["content"]))
        for item in stored or ()
    ]
