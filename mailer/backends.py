"""Ways of handing a message over: memory (tests), outbox .eml files (development), SendGrid.

This is the only module that imports sendgrid.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import time
import urllib.error
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.eventwebhook import EventWebhook

from mailer.attachments import Attachment

logger = logging.getLogger(__name__)


@dataclass
class MailMessage:
    """A fully rendered message for one recipient."""

    to_email: str
    subject: str
    text_body: str
    html_body: str
    from_email: str
    from_name: str
    headers: dict[str, str] = field(default_factory=dict)
    #: ids only (never names or addresses): SendGrid keeps them and returns them on events.
    custom_args: dict[str, str] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)


class DeliveryError(Exception):
    """The provider refused the message (``permanent``) or could not be reached."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class MemoryBackend:
    """Keeps messages in a list: the test suite's outbox."""

    name = "memory"

    def __init__(self):
        self.messages: list[MailMessage] = []

    def send(self, message: MailMessage) -> None:
        self.messages.append(message)


def to_email_message(message: MailMessage) -> EmailMessage:
    """The message as a standard-library EmailMessage (plain text with an HTML alternative)."""
    email = EmailMessage()
    email["From"] = formataddr((message.from_name, message.from_email))
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<{uuid.uuid4().hex}@{message.from_email.split('@')[-1]}>"
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = attachment.content_type.split("/")
        email.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return email


class OutboxBackend:
    """Writes each message as an .eml file, so a developer sees exactly what would be sent."""

    name = "outbox"

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def send(self, message: MailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = formatdate(usegmt=True)
        slug = re.sub(r"[^a-z0-9]+", "-", message.subject.lower())[:40].strip("-")
        name = f"{uuid.uuid1().int >> 64:020d}-{slug or 'message'}.eml"
        (self.directory / name).write_bytes(bytes(to_email_message(message)))
        logger.info("outbox: wrote %s at %s", name, stamp)


class SendGridBackend:
    """Sends one message per request through the official client (bulletins batch elsewhere)."""

    name = "sendgrid"

    def __init__(self, api_key: str, host: str, timeout: float = 30):
        self.client = SendGridAPIClient(api_key, host=host)
        self.client.client.timeout = timeout

    def send(self, message: MailMessage) -> None:
        payload = {
            "personalizations": [
                {
                    "to": [{"email": message.to_email}],
                    "headers": message.headers or None,
                    "custom_args": message.custom_args or None,
                }
            ],
            "from": {"email": message.from_email, "name": message.from_name},
            "subject": message.subject,
            "content": [
                {"type": "text/plain", "value": message.text_body},
                {"type": "text/html", "value": message.html_body},
            ],
        }
        if message.attachments:
            payload["attachments"] = [
                {
                    "content": a.base64,
                    "type": a.content_type,
                    "filename": a.filename,
                    "disposition": "attachment",
                }
                for a in message.attachments
            ]
        payload["personalizations"][0] = {
            k: v for k, v in payload["personalizations"][0].items() if v is not None
        }
        try:
            self.client.client.mail.send.post(request_body=payload)
        except HTTPError as exc:
            status = getattr(exc, "status_code", 0)
            raise DeliveryError(
                f"SendGrid answered {status}", permanent=400 <= status < 500 and status != 429
            ) from exc
        except OSError as exc:
            raise DeliveryError(f"SendGrid could not be reached: {type(exc).__name__}") from exc


def backend_from_config(config: dict):
    """Build the configured backend."""
    name = config["MAIL_BACKEND"]
    if name == "memory":
        return MemoryBackend()
    if name == "outbox":
        return OutboxBackend(config["OUTBOX_DIR"])
    if name == "sendgrid":
        return SendGridBackend(config["SENDGRID_API_KEY"], config["SENDGRID_API_HOST"])
    raise ValueError(f"unknown MAIL_BACKEND {name!r}")


def verify_sendgrid_signature(
    public_key: str, payload: bytes, signature: str, timestamp: str
) -> bool:
    """SendGrid's Event Webhook signature: ECDSA P-256 over timestamp + raw body."""
    try:
        text = payload.decode("utf-8")
        webhook = EventWebhook()
        key = webhook.convert_public_key_to_ecdsa(public_key)
        return bool(webhook.verify_signature(text, signature, timestamp, key))
    except (ValueError, TypeError, UnicodeDecodeError):
        # Malformed keys, signatures or bodies are simply not valid signatures.
        return False


# Bulletins: one request carries up to 1,000 personalizations of one shared content.

MAX_PERSONALIZATIONS = 1000


@dataclass
class BatchContent:
    """What every recipient of a batch shares: the email with substitution tags."""

    subject: str
    text_body: str
    html_body: str
    from_email: str
    from_name: str


@dataclass
class BatchOutcome:
    """What the provider said about one batch, and the message id it gave."""

    #: "accepted", "failed" (the provider said no: nothing was sent) or "unknown" (no answer).
    state: str
    message_id: str = ""
    error: str = ""
    attempts: int = 1


def personalization(
    to_email: str, substitutions: dict[str, str], custom_args: dict[str, str], headers: dict
) -> dict:
    """One recipient of a batch as a plain dict (the helper classes cost three times as much)."""
    return {
        "to": [{"email": to_email}],
        "substitutions": substitutions,
        "custom_args": custom_args,
        "headers": headers,
    }


def _provider_message(body) -> str:
    try:
        errors = json.loads(body or b"{}").get("errors") or []
        return "; ".join(str(e.get("message", "")) for e in errors)[:400] or "no message"
    except (ValueError, AttributeError):
        return "unreadable answer"


class SendGridBatchSender:
    """POST /v3/mail/send with many personalizations through the official client.

    429 and 5xx are retried with backoff (SendGrid took nothing); any other refusal fails the
    batch with the provider's message; no answer at all is "unknown", never retried here,
    because SendGrid has no idempotency key and may already have accepted it.
    """

    def __init__(self, api_key: str, host: str, timeout: float = 30, delays=(1, 2, 4, 8)):
        self.client = SendGridAPIClient(api_key, host=host)
        self.client.client.timeout = timeout
        # A JSON string body is sent as it is only when the content type is not exactly
        # "application/json" (python_http_client would encode it a second time).
        self.client.client.request_headers["Content-Type"] = "application/json; charset=utf-8"
        self.delays = tuple(delays)

    def send_batch(self, content: BatchContent, personalizations: list[dict]) -> BatchOutcome:
        if not 1 <= len(personalizations) <= MAX_PERSONALIZATIONS:
            raise ValueError("a batch holds 1 to 1,000 personalizations")
        body = json.dumps(
            {
                "personalizations": personalizations,
                "from": {"email": content.from_email, "name": content.from_name},
                "subject": content.subject,
                "content": [
                    {"type": "text/plain", "value": content.text_body},
                    {"type": "text/html", "value": content.html_body},
                ],
                "tracking_settings": {
                    "click_tracking": {"enable": False},
                    "open_tracking": {"enable": False},
                },
            },
            check_circular=False,
        )
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.client.client.mail.send.post(request_body=body)
            except HTTPError as exc:
                status = getattr(exc, "status_code", 0)
                message = f"SendGrid answered {status}: {_provider_message(exc.body)}"
                if (status == 429 or status >= 500) and attempt <= len(self.delays):
                    wait = _retry_wait(exc.headers, self.delays[attempt - 1])
                    logger.warning("bulletin batch: %s; retrying in %.1fs", message, wait)
                    time.sleep(wait)
                    continue
                return BatchOutcome("failed", error=message, attempts=attempt)
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, ConnectionRefusedError):
                    # Nothing reached SendGrid: safe to retry, and a plain failure in the end.
                    if attempt <= len(self.delays):
                        time.sleep(self.delays[attempt - 1])
                        continue
                    return BatchOutcome("failed", error="SendGrid refused the connection")
                return BatchOutcome("unknown", error=f"no answer: {type(exc.reason).__name__}")
            except (OSError, http.client.HTTPException) as exc:
                # Timeouts and cut connections: the request may have been accepted.
                return BatchOutcome("unknown", error=f"no answer: {type(exc).__name__}")
            return BatchOutcome(
                "accepted", message_id=response.headers.get("X-Message-Id", ""), attempts=attempt
            )


def _retry_wait(headers, default: float) -> float:
    """Honour Retry-After or X-RateLimit-Reset when the provider gives one (at most a minute)."""
    try:
        if headers and headers.get("Retry-After"):
            return min(60.0, max(0.0, float(headers["Retry-After"])))
        if headers and headers.get("X-RateLimit-Reset"):
            return min(60.0, max(0.0, float(headers["X-RateLimit-Reset"]) - time.time()))
    except (TypeError, ValueError):
        pass
    return default


class ExpandingBatchSender:
    """Development and tests: apply each recipient's substitutions as SendGrid would and hand
    the messages to the memory or outbox backend one by one."""

    def __init__(self, backend):
        self.backend = backend

    def send_batch(self, content: BatchContent, personalizations: list[dict]) -> BatchOutcome:
        for person in personalizations:
            substitutions = person.get("substitutions") or {}

            def fill(text: str, substitutions=substitutions) -> str:
                for tag, value in substitutions.items():
                    text = text.replace(tag, value)
                return text

            self.backend.send(
                MailMessage(
                    to_email=person["to"][0]["email"],
                    subject=fill(content.subject),
                    text_body=fill(content.text_body),
                    html_body=fill(content.html_body),
                    from_email=content.from_email,
                    from_name=content.from_name,
                    headers=dict(person.get("headers") or {}),
                    custom_args=dict(person.get("custom_args") or {}),
                )
            )
        return BatchOutcome("accepted", message_id=uuid.uuid4().hex)


def batch_sender_from_config(config: dict, backend):
    """The bulletin sender matching MAIL_BACKEND."""
    if config["MAIL_BACKEND"] == "sendgrid":
        return SendGridBatchSender(
            config["SENDGRID_API_KEY"],
            config["SENDGRID_API_HOST"],
            timeout=config.get("SENDGRID_TIMEOUT", 30),
            delays=config.get("BULLETIN_RETRY_DELAYS", (1, 2, 4, 8)),
        )
    return ExpandingBatchSender(backend)
