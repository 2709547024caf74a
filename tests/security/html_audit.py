"""Finds what an HTML injection leaves behind in a page or email, whatever the payload: tags or
attributes carrying the "xss" marker, event handlers, script without the page's nonce, dangerous
URL schemes, meta refreshes, frames and objects, forms posting elsewhere (quality bar 7)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

MARKER = "xss"
_DANGEROUS_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
_URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "background",
    "poster",
    "srcdoc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "cite",
    "longdesc",
    "usemap",
    "manifest",
}
_BAD_SCHEME = re.compile(
    r"^\s*(?:javascript|vbscript|livescript|data:text/html|data:image/svg)", re.I
)
_CONTROL = re.compile(r"[\x00-\x20]+")


class _Finder(HTMLParser):
    def __init__(self, *, allow_styles: bool, own_hosts: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.allow_styles = allow_styles
        self.own_hosts = own_hosts
        self.problems: list[str] = []

    def _flag(self, what: str) -> None:
        self.problems.append(f"{what} in {self.get_starttag_text()!r}")

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): (value or "") for name, value in attrs}
        if MARKER in tag.lower() or any(MARKER in name for name in names):
            self._flag("injected tag or attribute")
        # Our one frame: an email preview from this site, fully sandboxed (an empty sandbox
        # attribute: no scripts, no forms, no navigation, a unique origin).
        own_sandboxed_frame = (
            tag == "iframe"
            and names.get("sandbox") == ""
            and "srcdoc" not in names
            and self._own(names.get("src", ""))
            and names.get("src", "")
        )
        if tag in _DANGEROUS_TAGS and not own_sandboxed_frame:
            self._flag(f"<{tag}>")
        if any(name.startswith("on") for name in names):
            self._flag("event handler attribute")
        if tag == "script" and "nonce" not in names and "src" not in names:
            self._flag("script without the page's nonce")
        if tag == "script" and "src" in names and not self._own(names["src"]):
            self._flag("script from another site")
        if tag == "meta" and "http-equiv" in names and names["http-equiv"].lower() == "refresh":
            self._flag("meta refresh")
        if tag == "link" and not self._own(names.get("href", "")):
            self._flag("link to another site")
        for name, value in names.items():
            our_qr_code = tag == "img" and value.startswith("data:image/svg+xml;base64,")
            bad = name in _URL_ATTRIBUTES and _BAD_SCHEME.match(_CONTROL.sub("", value))
            if bad and not our_qr_code:
                self._flag(f"dangerous URL in {name}")
        if tag in ("form", "button", "input") and not self._own(
            names.get("action", names.get("formaction", ""))
        ):
            self._flag("form posting to another site")
        if not self.allow_styles and (tag == "style" or "style" in names):
            self._flag("inline style")

    def _own(self, url: str) -> bool:
        url = _CONTROL.sub("", url)
        if not url or url.startswith("#") or (url.startswith("/") and not url.startswith("//")):
            return True
        return url.startswith(self.own_hosts)


def injection_problems(
    html: str, *, allow_styles: bool = False, own_hosts: tuple[str, ...] = ("http://panel.test",)
) -> list[str]:
    """Every sign of injected markup in ``html``; an empty list means none survived."""
    finder = _Finder(allow_styles=allow_styles, own_hosts=own_hosts)
    finder.feed(html)
    finder.close()
    return finder.problems


def response_problems(response) -> list[str]:
    """injection_problems for an HTML response. An email shown in a frame (served with its own
    sandboxing policy) is checked as emails are: its inline styles are the email's own, and
    nothing a user wrote may become markup in it."""
    is_email = "sandbox" in response.headers.get("Content-Security-Policy", "")
    return injection_problems(response.get_data(as_text=True), allow_styles=is_email)


def plain_text_problems(text: str) -> list[str]:
    """A plain-text part or subject may carry the words of a payload, never a tag."""
    return [match.group(0) for match in re.finditer(r"<\s*/?\s*[a-zA-Z!][^<>]*>?", text)]
