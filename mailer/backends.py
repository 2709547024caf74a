"""Ways of handing a message over: memory (tests), outbox .eml files (development), SendGrid.

This is the only module that imports sendgrid.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

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
        from sendgrid import SendGridAPIClient

        self.client = SendGridAPIClient(api_key, host=host)
        self.client.client.timeout = timeout

    def send(self, message: MailMessage) -> None:
        from python_http_client.exceptions import HTTPError

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
