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
_HREF = re.compile(r'href="(https?://[^"<>\s]+)"')


def link_tag(link_id: int) -> str:
    """The substitution tag standing for a tracked link in the frozen email."""
    return f"-tracked_url_{link_id}-"


def prepare_frozen_html(session: Session, bulletin_id: int, frozen_html: str) -> str:
    """Register each distinct web link of the frozen email and put a tag where it stood, and a
    pixel tag before </body>. Idempotent: a bulletin's links are registered once."""
    existing = {
        link.url: link
        for link in session.scalars(
            sa.select(BulletinLink).where(BulletinLink.bulletin_id == bulletin_id)
        )
    }
    for match in _HREF.finditer(frozen_html):
        url = html.unescape(match.group(1))
        if url not in existing:
            link = BulletinLink(bulletin_id=bulletin_id, position=len(existing) + 1, url=url)
            session.add(link)
            existing[url] = link
    session.flush()

    def tagged(match: re.Match) -> str:
        return f'href="{link_tag(existing[html.unescape(match.group(1))].id)}"'

    tagged_html = _HREF.sub(tagged, frozen_html)
    if PIXEL_TAG not in tagged_html:
        tagged_html = tagged_html.replace("</body>", f"{PIXEL_TAG}</body>", 1)
    return tagged_html


@dataclass(frozen=True)
class TrackedLink:
    """A link of a bulletin, with the id its click address carries."""

    id: int
    url: str


def bulletin_links(session: Session, bulletin_id: int) -> list[TrackedLink]:
    """The bulletin's tracked links, in order."""
    return [
        TrackedLink(link_id, url)
        for link_id, url in session.execute(
            sa.select(BulletinLink.id, BulletinLink.url)
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
        self.plain = {link_tag(link.id): html.escape(link.url, quote=True) for link in links}

    def token(self, recipient_id: int) -> str:
        return self.signer.make(self.bulletin_id, recipient_id)

    def values(self, token: str, consent: bool) -> dict[str, str]:
        if not consent:
            return {PIXEL_TAG: "", **self.plain}
        values = {
            PIXEL_TAG: (
                f'<img src="{self.base}/t/o/{token}.gif" width="1" height="1" alt="" '
                'style="display:block;border:0;width:1px;height:1px">'
            )
        }
        for tag, link_id in self.tags:
            values[tag] = f"{self.base}/t/c/{token}/{link_id}"
        return values
