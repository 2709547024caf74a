"""Tracked emails: the links a bulletin carries become per-recipient substitutions, so one
frozen email serves people who consented to tracking (pixel, tracked links) and people who did
not (no pixel, the plain links), in the same batch."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.tracking.models import BulletinLink
from mailer.tracking.tokens import TrackingSigner

PIXEL_TAG = "-tracking_pixel-"
_HREF = re.compile(r'href="(https?://[^"<>\s]+|-personal_block_\d+-)"')
#: an opening tag with a web (or personal) link, with the block it stood in if it says so.
_LINKED_TAG = re.compile(r'<[a-z][^<>]*\bhref="(?:https?://[^"<>\s]+|-personal_block_\d+-)"[^<>]*>')
_BLOCK = re.compile(r'\sdata-block="(\d+)"')
_PERSONAL = re.compile(r"-personal_block_\d+-")


def personal_tag(block_id: int) -> str:
    """The substitution tag for a block's personal link (each recipient's own survey link)."""
    return f"-personal_block_{block_id}-"


def link_tag(link_id: int) -> str:
    """The substitution tag standing for a tracked link in the frozen email."""
    return f"-tracked_url_{link_id}-"


def prepare_frozen_html(session: Session, bulletin_id: int, frozen_html: str) -> str:
    """Register each distinct link of the frozen email (per block it stood in) and put a tag
    where it stood, and a pixel tag before </body>. A personal survey link is registered by its
    tag: its click goes to that recipient's own link. Idempotent: links are registered once."""
    existing = {
        (link.url, link.block_id): link
        for link in session.scalars(
            sa.select(BulletinLink).where(BulletinLink.bulletin_id == bulletin_id)
        )
    }

    def registered(url: str, block_id: int | None) -> BulletinLink:
        if (url, block_id) not in existing:
            link = BulletinLink(
                bulletin_id=bulletin_id,
                position=len(existing) + 1,
                url=url,
                block_id=block_id,
                personal=bool(_PERSONAL.fullmatch(url)),
            )
            session.add(link)
            session.flush()
            existing[(url, block_id)] = link
        return existing[(url, block_id)]

    def tagged(match: re.Match) -> str:
        opening = match.group(0)
        block = _BLOCK.search(opening)
        block_id = int(block.group(1)) if block else None
        opening = _BLOCK.sub("", opening)
        href = _HREF.search(opening)
        link = registered(html.unescape(href.group(1)), block_id)
        return opening[: href.start()] + f'href="{link_tag(link.id)}"' + opening[href.end() :]

    tagged_html = _LINKED_TAG.sub(tagged, frozen_html)
    if PIXEL_TAG not in tagged_html:
        tagged_html = tagged_html.replace("</body>", f"{PIXEL_TAG}</body>", 1)
    return tagged_html


@dataclass(frozen=True)
class TrackedLink:
    """A link of a bulletin, with the id its click address carries."""

    id: int
    url: str
    personal: bool = False


def bulletin_links(session: Session, bulletin_id: int) -> list[TrackedLink]:
    """The bulletin's tracked links, in order."""
    return [
        TrackedLink(link_id, url, personal)
        for link_id, url, personal in session.execute(
            sa.select(BulletinLink.id, BulletinLink.url, BulletinLink.personal)
            .where(BulletinLink.bulletin_id == bulletin_id)
            .order_by(BulletinLink.position)
        )
    ]


class TrackingSubstitutions:
    """Each recipient's pixel and link values; built once per batch, called per recipient."""

    def __init__(self, base_url: str, signer: TrackingSigner, bulletin_id: int, links):
        self.base = base_url.rstrip("/")
        self.signer = signer
        self.bulletin_id = bulletin_id
        self.tags = [(link_tag(link.id), link.id) for link in links]
        self.plain = {
            link_tag(link.id): html.escape(link.url, quote=True)
            for link in links
            if not link.personal
        }
        #: tracked tag -> the personal tag whose per-recipient value it takes without consent.
        self.personal = {link_tag(link.id): link.url for link in links if link.personal}

    def token(self, recipient_id: int) -> str:
        return self.signer.make(self.bulletin_id, recipient_id)

    def values(
        self, token: str, consent: bool, personal: dict[str, str] | None = None
    ) -> dict[str, str]:
        """The pixel and link values; ``personal`` maps personal tags to this person's links."""
        if not consent:
            own = {
                tag: html.escape((personal or {}).get(personal_tag, ""), quote=True)
                for tag, personal_tag in self.personal.items()
            }
            return {PIXEL_TAG: "", **self.plain, **own}
        values = {
            PIXEL_TAG: (
                f'<img src="{self.base}/t/o/{token}.gif" width="1" height="1" alt="" '
                'style="display:block;border:0;width:1px;height:1px">'
            )
        }
        for tag, link_id in self.tags:
            values[tag] = f"{self.base}/t/c/{token}/{link_id}"
        return values
