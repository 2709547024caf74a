"""Where a redirect taken from user input may go: only to a path on this site (quality bar 23).

Every redirect whose target comes from the request (a ``next`` parameter, the Referer header, a
form field) goes through ``same_site_path``. It accepts a plain absolute path and refuses
anything a browser could read as another site: browsers drop tabs and newlines inside URLs,
read a backslash as a slash, treat ``//host`` as scheme-relative and resolve ``..``, and some
servers and proxies decode ``%2F`` and ``%5C`` before anyone looks, so each of those is checked
on the decoded forms of the path as well as on the raw text.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from flask import request

MAX_TARGET_LENGTH = 2000
#: how many layers of percent-encoding are peeled off the path; deeper nesting is refused.
DECODE_ROUNDS = 3


def _printable_ascii(text: str) -> bool:
    # No spaces, controls (tab, CR, LF, NUL, DEL), backslashes or non-ASCII look-alikes
    # ("／", "∕", full-width and right-to-left characters): url_for never produces them raw.
    return all("!" <= character <= "~" for character in text) and "\\" not in text


def _local_path(path: str) -> bool:
    # Empty, "." and ".." segments are refused too: "/@x/..//evil" normalises to "//evil".
    segments = path.split("?", 1)[0].split("#", 1)[0].split("/")[1:]
    return (
        path.startswith("/")
        and _printable_ascii(path)
        and "" not in segments[:-1]
        and not {".", ".."} & set(segments)
    )


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site however it is decoded, otherwise None."""
    if not target or len(target) > MAX_TARGET_LENGTH or not _local_path(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path
    for _ in range(DECODE_ROUNDS):
        decoded = unquote(path)
        if decoded == path:
            return target
        if not _local_path(decoded):
            return None
        path = decoded
    return None


def safe_redirect_target(target: str | None, fallback: str) -> str:
    """``target`` if it stays on this site (see ``same_site_path``), otherwise ``fallback``."""
    return same_site_path(target) or fallback


def referrer_path(fallback: str) -> str:
    """The page the browser came from, as a path, when it was a page of this site."""
    referrer = request.referrer
    if not referrer or len(referrer) > MAX_TARGET_LENGTH:
        return fallback
    try:
        parts = urlsplit(referrer)
    except ValueError:  # e.g. a malformed IPv6 host
        return fallback
    if parts.netloc != request.host:
        return fallback
    return safe_redirect_target(urlunsplit(("", "", parts.path, parts.query, "")), fallback)
