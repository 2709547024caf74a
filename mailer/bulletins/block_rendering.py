"""Bulletin blocks as the one email template (and the web version) shows them.

Each block becomes a BlockView once per bulletin; only a survey button differs per person, and
it carries a substitution tag (the real send) or a real link (previews, test sends) instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from mailer.bulletins import markdown
from mailer.bulletins.block_models import BlockKind, BulletinBlock, BulletinImage
from mailer.tracking.links import personal_tag
from panel.extensions import db
from panel.web_links import web_link
from surveys.models import ResultsPage, Survey
from surveys.results.models import Decision

#: f(survey id, member ids) -> {member id: personal url}; the survey links module registers it.
SURVEY_LINK_PROVIDERS: list[Callable[[int, list[int]], dict[int, str]]] = []
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class BlockView:
    """One block ready for the email and web templates (every text still to be escaped)."""

    id: int
    kind: str
    title: str = ""
    body_html: Markup | str = ""
    body_text: str = ""
    meta: str = ""
    link_url: str = ""
    link_label: str = ""
    image_url: str = ""
    alt: str = ""
    caption: str = ""


def survey_links(survey_id: int, member_ids: list[int]) -> dict[int, str]:
    """Each member's own link to the survey (empty until the surveys package registers)."""
    return SURVEY_LINK_PROVIDERS[0](survey_id, member_ids) if SURVEY_LINK_PROVIDERS else {}


def image_url(image: BulletinImage) -> str:
    """The public address of an uploaded image (named by its content hash)."""
    extension = IMAGE_TYPES.get(image.content_type, "img")
    return f"{current_app.config['PUBLIC_BASE_URL']}/bulletins/images/{image.sha256}.{extension}"


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _body(block: BulletinBlock, text: str) -> tuple[Markup, str]:
    return markdown.to_html(text, block.id), markdown.to_text(text)


def _public(path: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}"


def published_results(survey_id) -> tuple[Survey, ResultsPage] | None:
    """The survey and its results page, only while the page is public."""
    survey = db.session.get(Survey, survey_id) if isinstance(survey_id, int) else None
    page = (
        db.session.scalar(sa.select(ResultsPage).where(ResultsPage.survey_id == survey.id))
        if survey is not None
        else None
    )
    if page is None or page.published_at is None:
        return None
    return survey, page


def published_you_said(decision_id) -> Decision | None:
    """A "you said, we did" entry, only while its survey's results page is public."""
    decision = db.session.get(Decision, decision_id) if isinstance(decision_id, int) else None
    if decision is None or published_results(decision.survey_id) is None:
        return None
    return decision


def block_view(block: BulletinBlock, link: str | None) -> BlockView | None:
    """The block as shown; ``link`` is a survey block's button link (None: the web version).
    None when the block refers to something no longer public or open (content_warnings says)."""
    data = block.data or {}
    kind = block.kind
    if kind is BlockKind.HEADING:
        return BlockView(block.id, kind, title=_text(data.get("text")))
    if kind is BlockKind.TEXT:
        html, text = _body(block, data.get("body", ""))
        return BlockView(block.id, kind, body_html=html, body_text=text)
    if kind is BlockKind.IMAGE:
        if block.image is None:
            return None
        return BlockView(
            block.id,
            kind,
            image_url=image_url(block.image),
            alt=_text(data.get("alt")),
            caption=_text(data.get("caption")),
        )
    if kind is BlockKind.BUTTON:
        url = web_link(data.get("url"))
        return BlockView(block.id, kind, link_url=url, link_label=_text(data.get("label")))
    if kind is BlockKind.SURVEY:
        survey = db.session.get(Survey, data.get("survey_id") or 0)
        if survey is None:
            return None
        html, text = _body(block, data.get("body", ""))
        return BlockView(
            block.id,
            kind,
            title=survey.title,
            body_html=html,
            body_text=text,
            link_url=link if link is not None else _public("/engagement/"),
            link_label=_text(data.get("label")) or "Take part in the survey",
        )
    if kind is BlockKind.EVENT:
        html, text = _body(block, data.get("body", ""))
        meta = " · ".join(
            part for part in (_text(data.get("when")), _text(data.get("where"))) if part
        )
        return BlockView(
            block.id,
            kind,
            title=_text(data.get("title")),
            body_html=html,
            body_text=text,
            meta=meta,
            link_url=web_link(data.get("url")),
            link_label=_text(data.get("label")) or "Find out more about the event",
        )
    if kind is BlockKind.RESULTS:
        found = published_results(data.get("survey_id"))
        if found is None:
            return None
        survey, page = found
        return BlockView(
            block.id,
            kind,
            title=survey.title,
            body_text=_text(page.what_you_said)[:600],
            link_url=_public(f"/engagement/{survey.id}"),
            link_label=_text(data.get("label")) or f"Read the results: {survey.title}",
        )
    decision = published_you_said(data.get("decision_id"))
    if decision is None:
        return None
    return BlockView(
        block.id,
        kind,
        title=f"You said: {_text(decision.you_said)[:300]}",
        body_text=f"{decision.outcome.label}: {_text(decision.action)[:600]}",
        link_url=_public(f"/engagement/{decision.survey_id}"),
        link_label=_text(data.get("label")) or "Read what we did",
    )


def block_summary(block: BulletinBlock) -> str:
    """A few words that tell the block apart in the editor's list."""
    view = block_view(block, None)
    if view is None:
        return "Not shown: what it refers to is no longer available"
    words = view.title or view.link_label or view.alt or view.body_text or view.meta
    return words[:120] + ("…" if len(words) > 120 else "")


def block_views(blocks: list[BulletinBlock], links: dict[int, str] | None) -> list[BlockView]:
    """The blocks as shown; ``links`` maps survey block ids to their button link (a tag or a
    person's link); None for the public web version (no personal links)."""
    views = []
    for block in blocks:
        link = None if links is None else links.get(block.id, "")
        view = block_view(block, link)
        if view is not None:
            views.append(view)
    return views


def survey_blocks(blocks: list[BulletinBlock]) -> list[BulletinBlock]:
    """The blocks whose button is personal to each recipient."""
    return [block for block in blocks if block.kind is BlockKind.SURVEY]


def tag_links(blocks: list[BulletinBlock]) -> dict[int, str]:
    """Substitution tags for the personal links of the frozen email: only for surveys open when
    it is frozen (a survey not yet open gets no button, as the preview showed)."""
    return {
        block.id: personal_tag(block.id)
        for block in survey_blocks(blocks)
        if survey_links((block.data or {}).get("survey_id") or 0, [0])
    }


def person_links(blocks: list[BulletinBlock], member_id: int | None) -> dict[int, str]:
    """One person's own survey links (member_id None: an example link, for previews)."""
    return {
        block.id: survey_links((block.data or {}).get("survey_id") or 0, [member_id or 0]).get(
            member_id or 0, ""
        )
        for block in survey_blocks(blocks)
    }


def block_warnings(blocks: list[BulletinBlock]) -> list[str]:
    """Blocks that will not show, or show badly, as things stand."""
    warnings = []
    for number, block in enumerate(blocks, start=1):
        where = f"Block {number} ({block.kind.label.lower()})"
        if block_view(block, None) is None:
            warnings.append(f"{where} will be left out: what it shows is no longer available")
        if block.kind is BlockKind.SURVEY and not survey_links(
            (block.data or {}).get("survey_id") or 0, [0]
        ):
            warnings.append(f"{where}: the survey is not open yet, so the email has no button")
        label = _text((block.data or {}).get("label")).strip(" .").lower()
        if label in markdown.VAGUE_LINK_TEXT:
            warnings.append(f'{where}: the button text "{label}" does not say where it goes')
    return warnings
