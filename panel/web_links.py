"""Links that people write (bulletin items, results pages): only web addresses are ever used."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_web_link(url: str | None) -> bool:
    """True for an http(s) address with a host; javascript:, data:, relative and odd ones fail."""
    if not url or url != url.strip() or any(ord(c) < 33 for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def web_link(url: str | None) -> str:
    """``url`` when it is a web address, otherwise nothing (for text already stored)."""
    return url if is_web_link(url) else ""
