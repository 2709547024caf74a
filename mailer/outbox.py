"""Reading the development outbox: the .eml files the outbox backend wrote."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^[0-9]{20}-[a-z0-9-]*\.eml$")


@dataclass
class OutboxEntry:
    """One email the outbox backend wrote to disk, as the outbox pages list it."""

    name: str
    to: str
    subject: str
    date: str
    text_body: str = ""
    html_body: str = ""
    headers: dict | None = None


def _parse(path: Path, with_body: bool) -> OutboxEntry:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    entry = OutboxEntry(path.name, message["To"], message["Subject"], message["Date"])
    if with_body:
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        entry.text_body = text.get_content() if text else ""
        entry.html_body = html.get_content() if html else ""
        entry.headers = {key: str(value) for key, value in message.items()}
    return entry


def list_outbox(directory: str, limit: int = 200) -> list[OutboxEntry]:
    """Newest first."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.glob("*.eml") if _NAME.match(p.name)), reverse=True)
    return [_parse(path, with_body=False) for path in names[:limit]]


def read_outbox_entry(directory: str, name: str) -> OutboxEntry | None:
    """One message by file name; names that are not ours (e.g. '../x') are refused."""
    if not _NAME.match(name):
        return None
    path = Path(directory) / name
    return _parse(path, with_body=True) if path.is_file() else None
