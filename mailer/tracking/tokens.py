"""Per-recipient tracking tokens: unforgeable without the secret and checked without the database.

A token is base64url(bulletin id, recipient id, 96-bit HMAC-SHA256 tag), 27 characters. It names
no person; a changed byte fails the tag and the request answers 404.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

_IDS = struct.Struct(">II")
_TAG_BYTES = 12
_TOKEN_BYTES = _IDS.size + _TAG_BYTES


class TrackingSigner:
    """Short signed tokens naming a bulletin and recipient, for pixel and click addresses."""

    def __init__(self, secret: str, purpose: bytes = b"bulletin-tracking"):
        self._key = hashlib.sha256(purpose + b":" + secret.encode()).digest()
        # Keyed once: copying it is cheaper than keying an HMAC for every recipient.
        self._mac = hmac.new(self._key, digestmod=hashlib.sha256)

    def _tag(self, ids: bytes) -> bytes:
        mac = self._mac.copy()
        mac.update(ids)
        return mac.digest()[:_TAG_BYTES]

    def make(self, bulletin_id: int, recipient_id: int) -> str:
        ids = _IDS.pack(bulletin_id, recipient_id)
        return base64.urlsafe_b64encode(ids + self._tag(ids)).rstrip(b"=").decode()

    def read(self, token: str) -> tuple[int, int] | None:
        """(bulletin id, recipient id), or None for anything not made by ``make``."""
        if len(token) != 27:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=")
        except (binascii.Error, ValueError):
            return None
        if len(raw) != _TOKEN_BYTES:
            return None
        ids, tag = raw[: _IDS.size], raw[_IDS.size :]
        if not hmac.compare_digest(tag, self._tag(ids)):
            return None
        return _IDS.unpack(ids)


def signer_for(config) -> TrackingSigner:
    """The tracking signer keyed from the app's secret key."""
    return TrackingSigner(config["SECRET_KEY"])


def unsubscribe_attribution_signer(config) -> TrackingSigner:
    """Tokens that say which bulletin an unsubscribe came from; they open no tracking."""
    return TrackingSigner(config["SECRET_KEY"], b"bulletin-unsubscribe")
