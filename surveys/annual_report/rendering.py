"""The draft as a stand-alone HTML file: Markdown rendered by markdown-it with raw HTML off,
then cleaned by nh3 with the bulletins' allow-list (the file is a download, never a page)."""

from __future__ import annotations

from html import escape

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False})
_TAGS = {"h2", "h3", "h4", "p", "a", "strong", "em", "ul", "ol", "li", "blockquote", "br"}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"https", "http", "mailto"}


def html_document(markdown: str, title: str) -> str:
    """A whole HTML document of the Markdown, titled ``title``."""
    body = nh3.clean(
        _MD.render(markdown or ""),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<main>\n<h1>{escape(title)}</h1>\n"
        f"{body}</main>\n</body>\n</html>\n"
    )
