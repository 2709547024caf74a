"""Endpoint secrets and signatures (Standard Webhooks). A secret is shown once and kept
encrypted (Fernet: AES with an HMAC) under a key derived from SECRET_KEY with HKDF, so a copy of
the database alone signs nothing; during a rotation both secrets sign every message."""

from __future__ import annotations

import base64
import contextlib
import secrets
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from standardwebhooks.webhooks import Webhook

from panel.webhooks.models import WebhookEndpoint

SECRET_MARK = "whsec_"  # noqa: S105 (the specification's prefix, not a secret)
#: 32 random bytes: the specification asks for 24 to 64.
SECRET_BYTES = 32
#: the HKDF context: another use of SECRET_KEY can never derive the same key.
KEY_CONTEXT = b"lsc-panel webhook endpoint secrets v1"


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form ("whsec_" and base64)."""
    return SECRET_MARK + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _fernet() -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_CONTEXT).derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_secret(secret: str) -> str:
    """The stored form of a secret."""
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """The secret from its stored form; raises cryptography.fernet.InvalidToken if SECRET_KEY
    changed since it was stored."""
    return _fernet().decrypt(stored.encode()).decode()


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during the overlap.
    Raises cryptography.fernet.InvalidToken if the current one was stored under another
    SECRET_KEY."""
    found = [decrypt_secret(endpoint.secret_encrypted)]
    if (
        endpoint.previous_secret_encrypted
        and endpoint.previous_secret_until is not None
        and now < endpoint.previous_secret_until
    ):
        # One stored under an earlier SECRET_KEY cannot be read: the new secret signs alone.
        with contextlib.suppress(InvalidToken):
            found.append(decrypt_secret(endpoint.previous_secret_encrypted))
    return found


def signed_headers(
    secrets_in_use: list[str], message_id: str, body: bytes, now: datetime
) -> dict[str, str]:
    """The webhook-id, webhook-timestamp and webhook-signature headers (one "v1," signature per
    secret, separated by spaces, as the specification allows during a rotation)."""
    signatures = [Webhook(secret).sign(message_id, now, body) for secret in secrets_in_use]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
