"""Rendering email templates: a subject block, a plain-text part and an inlined HTML part."""

from __future__ import annotations

from dataclasses import dataclass

import css_inline
from flask import current_app

# Remote stylesheets are never fetched: the machine may be offline, and emails must stand alone.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=True)


@dataclass(frozen=True)
class RenderedEmail:
    """An email's subject and its text and HTML bodies."""

    subject: str
    text_body: str
    html_body: str


def plain_text(escaped: str) -> str:
    """Autoescaped output made readable as plain text, except that ``<`` and ``>`` stay as
    entities: quotes and ampersands read as typed, and no tag a user wrote survives into a
    plain-text part or a subject line (some mail clients show text parts as HTML)."""
    return escaped.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")


def _without_subject(template, context: dict) -> str:
    """The text template's body: the subject block is the subject line, not the first words of
    the message (rendered in place, it ran into the greeting: "...experienceHello Sam,")."""
    rendered = template.render(context)
    block = template.blocks.get("subject")
    if block is not None:
        subject = "".join(block(template.new_context(context)))
        if rendered.startswith(subject):
            rendered = rendered[len(subject) :]
    return rendered


def _subject(template, context: dict) -> str:
    block = template.blocks.get("subject")
    if block is None:
        raise ValueError(f"{template.name} has no subject block")
    return plain_text(" ".join("".join(block(template.new_context(context))).split()))


def render_email(name: str, context: dict) -> RenderedEmail:
    """Render emails/<name>.txt and emails/<name>.html with ``context``."""
    env = current_app.jinja_env
    context = {"public_base_url": current_app.config["PUBLIC_BASE_URL"], **context}
    text_template = env.get_template(f"emails/{name}.txt")
    html_template = env.get_template(f"emails/{name}.html")
    text_body = plain_text(_without_subject(text_template, context)).strip() + "\n"
    html_body = inline_css(html_template.render(context))
    return RenderedEmail(_subject(text_template, context), text_body, html_body)


def inline_css(html: str) -> str:
    """The HTML with its stylesheet moved into style attributes, as email clients need."""
    return _INLINER.inline(html)
