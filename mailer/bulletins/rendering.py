"""The bulletin as an email: rendered and inlined once with SendGrid substitution tags, then
personalised per recipient by the provider (or by apply_substitutions for the outbox)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from mailer.bulletins import block_rendering, markdown
from mailer.bulletins.models import Bulletin, BulletinItem, ItemKind
from mailer.rendering import RenderedEmail, render_email
from panel.tokens import TokenPurpose, make_token
from panel.web_links import web_link

FIRST_NAME = "-first_name-"
PLACE = "-place-"
UNSUBSCRIBE_URL = "-unsubscribe_url-"

#: kind -> f(item, member_ids) -> {member_id: personal url}; surveys (issue 6) register theirs.
PERSONAL_LINK_PROVIDERS: dict[ItemKind, Callable[[BulletinItem, list[int]], dict[int, str]]] = {}


def personal_link_provider(kind: ItemKind):
    """Register the function that makes each recipient's own link for items of ``kind``."""

    def register(function):
        PERSONAL_LINK_PROVIDERS[kind] = function
        return function

    return register


@personal_link_provider(ItemKind.SURVEY)
def _signed_survey_links(item: BulletinItem, member_ids: list[int]) -> dict[int, str]:
    # Until the surveys package registers its own, the item's pattern gets a signed token.
    serializer = URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=str(TokenPurpose.SURVEY_LINK)
    )
    pattern = item.link_url or ""
    return {
        member_id: pattern.replace("{token}", serializer.dumps([item.survey_id, member_id]))
        for member_id in member_ids
    }


def link_tag(item: BulletinItem) -> str:
    """The substitution tag standing for the item's personal link in the frozen email."""
    return f"-link_{item.id}-"


def personal_items(bulletin: Bulletin) -> list[BulletinItem]:
    """The bulletin's items whose links differ per recipient."""
    return [item for item in bulletin.items if item.kind in PERSONAL_LINK_PROVIDERS]


def view_token(bulletin: Bulletin) -> str:
    """The signed, non-personal "view in browser" token (names only the bulletin)."""
    return make_token(TokenPurpose.BULLETIN_VIEW, bulletin.id)


def view_url(bulletin: Bulletin) -> str:
    """The public address of the bulletin's web version."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/bulletins/view/{view_token(bulletin)}"


_DEFAULT_LINK_TEXT = {ItemKind.SURVEY: "Take part in the survey"}


@dataclass(frozen=True)
class ItemView:
    """One item as the email template shows it."""

    kind_label: str
    title: str
    html: str
    text: str
    link_url: str
    link_text: str


def item_views(bulletin: Bulletin, links: dict[int, str] | None = None) -> list[ItemView]:
    """Items ready for templates; ``links`` maps item id to the link to show (tag or real)."""
    views = []
    for item in bulletin.items:
        # A personal link (or its substitution tag) is made here; a typed link must be a web one.
        personal = (links or {}).get(item.id)
        typed = item.link_url if "{token}" not in (item.link_url or "") else ""
        views.append(
            ItemView(
                item.kind.label,
                item.title,
                markdown.to_html(item.body),
                markdown.to_text(item.body),
                personal if personal is not None else web_link(typed),
                item.link_text or _DEFAULT_LINK_TEXT.get(item.kind, ""),
            )
        )
    return views


def bulletin_context(bulletin: Bulletin, **personal) -> dict:
    """The template context shared by every copy of the bulletin, plus any personal values.
    Without them it is the public web version: blocks with no personal links, no tracking."""
    return {
        "bulletin_title": bulletin.title,
        "intro_html": markdown.to_html(bulletin.intro),
        "intro_text": markdown.to_text(bulletin.intro),
        "view_url": view_url(bulletin),
        "blocks": block_rendering.block_views(bulletin.blocks, None),
        **personal,
    }


def render_with_tags(bulletin: Bulletin) -> RenderedEmail:
    """The email once, with substitution tags where each recipient's details go."""
    links = {item.id: link_tag(item) for item in personal_items(bulletin)}
    context = bulletin_context(
        bulletin,
        items=item_views(bulletin, links),
        blocks=block_rendering.block_views(
            bulletin.blocks, block_rendering.tag_links(bulletin.blocks)
        ),
        first_name=FIRST_NAME,
        place_name=PLACE,
        unsubscribe_url=UNSUBSCRIBE_URL,
    )
    return render_email("bulletin", context)


def person_context(bulletin: Bulletin, first_name: str, member_id: int | None = None) -> dict:
    """A preview or test send: real values instead of tags (links personal to member_id)."""
    links = {}
    for item in personal_items(bulletin):
        made = PERSONAL_LINK_PROVIDERS[item.kind](item, [member_id or 0])
        links[item.id] = made.get(member_id or 0, "")
    return bulletin_context(
        bulletin,
        items=item_views(bulletin, links),
        blocks=block_rendering.block_views(
            bulletin.blocks, block_rendering.person_links(bulletin.blocks, member_id)
        ),
        first_name=first_name or "there",
        place_name="",
        unsubscribe_url=None,
    )


def render_for_person(bulletin: Bulletin, first_name: str, member_id: int | None = None):
    """The bulletin as one person would get it (for previews and test sends)."""
    return render_email("bulletin", person_context(bulletin, first_name, member_id))


def apply_substitutions(text: str, substitutions: dict[str, str]) -> str:
    """What SendGrid does with each personalization's substitutions (for the outbox backend)."""
    for tag, value in substitutions.items():
        text = text.replace(tag, value)
    return text


def content_warnings(bulletin: Bulletin) -> list[str]:
    """Problems to fix before sending: images without alt text, vague link text."""
    warnings = []
    sources: Iterable[tuple[str, str, str]] = [("Introduction", bulletin.intro, "")] + [
        (item.title, item.body, item.link_text) for item in bulletin.items
    ]
    for where, body, link_text in sources:
        warnings += [f"{where}: {problem}" for problem in markdown.image_errors(body)]
        vague = markdown.vague_links(body)
        if link_text and link_text.strip(" .").lower() in markdown.VAGUE_LINK_TEXT:
            vague.append(link_text.lower())
        warnings += [
            f'{where}: the link text "{text}" does not say where it goes' for text in vague
        ]
    return warnings + block_rendering.block_warnings(bulletin.blocks)
