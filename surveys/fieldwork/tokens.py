"""Personal survey links: the survey and member ids sealed with AES-GCM under a key derived
from SECRET_KEY, so a link is opaque (nothing readable in it), cannot be guessed or altered, and
needs no stored secret: the invitation email and a bulletin's personal link both make one."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_IDS = struct.Struct(">II")
_NONCE = 12


class PersonalLinks:
    """Encrypted personal survey links naming a survey and member."""

    def __init__(self, secret: str):
        self._aead = AESGCM(hashlib.sha256(b"survey-personal-link:" + secret.encode()).digest())

    def make(self, survey_id: int, member_id: int) -> str:
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, _IDS.pack(survey_id, member_id), b"survey")
        return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()

    def read(self, token: str) -> tuple[int, int] | None:
        """(survey id, member id), or None for anything this key did not seal."""
        if not 40 <= len(token) <= 60:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            opened = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], b"survey")
        except (binascii.Error, ValueError, InvalidTag):
            return None
        return _IDS.unpack(opened) if len(opened) == _IDS.size else None


def new_resume_token() -> tuple[str, str]:
    """An open-link respondent's token and the hash that is stored."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The sha256 of a resume token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()
