"""Bulletin Markdown: rendered with markdown-it, sanitised with nh3, checked for accessibility."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# "commonmark" with raw HTML off: staff write Markdown, never HTML; nh3 is the second wall.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p",
    "a",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "br",
    "code",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# data-block: which bulletin block a link stood in (set by to_html only: raw HTML is off).
_ATTRIBUTES = {"a": {"href", "title", "data-block"}, "img": {"src", "alt"}, "th": {"scope"}}
_SCHEMES = {"https", "http", "mailto"}
#: link text that means nothing out of context (screen reader link lists, WCAG 2.4.4).
VAGUE_LINK_TEXT = {"click here", "here", "read more", "more", "link", "this link", "click"}


def to_html(markdown: str, block_id: int | None = None) -> Markup:
    """Safe HTML for email and pages: headings demoted below the bulletin's own; with
    ``block_id``, each link says which block it stood in (for per-block click figures).

    The one place in the project where HTML is marked safe: markdown-it with raw HTML off, then
    nh3 with an allow-list of tags, attributes and URL schemes (templates autoescape the rest)."""
    html = _MD.render(markdown or "")
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    html = re.sub(r"<(/?)h[56]>", r"<\1h4>", html)
    if block_id is not None:
        html = html.replace("<a href=", f'<a data-block="{int(block_id)}" href=')
    return Markup(
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def _inline_tokens(markdown: str):
    for block in _MD.parse(markdown or ""):
        yield from block.children or ()


def image_errors(markdown: str) -> list[str]:
    """Images without alt text (which screen reader users would hear as nothing)."""
    return [
        f"Add a description (alt text) to the image {token.attrs.get('src', '')}"
        for token in _inline_tokens(markdown)
        if token.type == "image" and not token.content.strip()
    ]


def vague_links(markdown: str) -> list[str]:
    """Link texts such as "click here" that say nothing about where they go."""
    found = []
    children = list(_inline_tokens(markdown))
    for index, token in enumerate(children):
        if token.type != "link_open":
            continue
        text = []
        for inner in children[index + 1 :]:
            if inner.type == "link_close":
                break
            text.append(inner.content)
        label = " ".join("".join(text).split()).strip(" .:!").lower()
        if label in VAGUE_LINK_TEXT:
            found.append(label)
    return found


class _TextMaker(HTMLParser):
    """Sanitised HTML to readable plain text: links become "text (url)"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.href = attributes.get("href")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "img":
            self.parts.append(f"[{attributes.get('alt', '')}]")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "a" and self.href:
            self.parts.append(f" ({self.href})")
            self.href = None
        elif tag in ("p", "h3", "h4", "ul", "ol", "blockquote", "tr", "table"):
            self.parts.append("\n\n")

    def handle_data(self, data):
        # The newlines markdown-it puts between tags are layout, not content.
        if data.strip() or "\n" not in data:
            self.parts.append(data)


def to_text(markdown: str) -> str:
    """The Markdown as plain text for the text part of an email."""
    maker = _TextMaker()
    maker.feed(to_html(markdown))
    text = "".join(maker.parts)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
