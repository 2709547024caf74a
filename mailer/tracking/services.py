"""Recording hits on the hot path, unsubscribe attribution, and what the stats pages show."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask, Request, current_app
from sqlalchemy.orm import Session

from mailer.bulletins.block_models import BulletinBlock
from mailer.bulletins.block_rendering import survey_links
from mailer.bulletins.models import Bulletin, BulletinRecipient
from mailer.tracking import stats
from mailer.tracking.hit_store import RedisHitWriter, redis_client
from mailer.tracking.machines import machine_hint
from mailer.tracking.models import BulletinLink, HitKind, TrackingHit
from mailer.tracking.spool import SpoolWriter
from mailer.tracking.tokens import signer_for, unsubscribe_attribution_signer
from panel.audit.services import record_audit
from panel.csv_export import csv_text
from panel.disclosure import suppress_small
from panel.members.services.member_area import UNSUBSCRIBE_LISTENERS
from panel.places.models import Place


def _state(app: Flask) -> dict:
    """Per-app objects of the hot path: the signer, where hits go (the shared Redis stream when
    REDIS_URL is set, else this process's spool) and a link cache."""
    state = app.extensions.get("tracking")
    if state is None:
        if app.config.get("REDIS_URL"):
            writer = RedisHitWriter(redis_client(app), app.config["TRACKING_REDIS_KEY"])
        else:
            writer = SpoolWriter(app.config["TRACKING_SPOOL_DIR"])
        state = app.extensions["tracking"] = {
            "signer": signer_for(app.config),
            "writer": writer,
            "networks": tuple(app.config["TRACKING_MACHINE_NETWORKS"]),
            "links": {},
        }
    return state


def read_token(app: Flask, token: str) -> tuple[int, int] | None:
    """The (bulletin, recipient) ids a tracking token names, or None if it is not genuine."""
    return _state(app)["signer"].read(token)


def record_hit(
    app: Flask, kind: HitKind, ids: tuple[int, int], link_id: int | None, request: Request
) -> None:
    """One hit in Redis or this process's spool: no database write while the person waits."""
    state = _state(app)
    hint = machine_hint(request.user_agent.string, request.remote_addr, state["networks"])
    state["writer"].append(kind, ids[0], ids[1], link_id, hint)


def link_url(app: Flask, session: Session, ids: tuple[int, int], link_id: int) -> str | None:
    """Where a click goes: the stored link, only if it belongs to this bulletin (no open
    redirect); for a survey button, this recipient's own survey link (the survey list once it
    has closed). Links never change once a bulletin is sent, so each process remembers them."""
    cache = _state(app)["links"]
    bulletin_id, recipient_id = ids
    key = (bulletin_id, link_id)
    if key not in cache:
        row = session.execute(
            sa.select(BulletinLink.url, BulletinLink.personal, BulletinLink.block_id).where(
                BulletinLink.id == link_id, BulletinLink.bulletin_id == bulletin_id
            )
        ).first()
        if row is None:
            return None
        if len(cache) > 10_000:
            cache.clear()
        cache[key] = tuple(row)
    url, personal, block_id = cache[key]
    if not personal:
        return url
    return _personal_link(app, session, recipient_id, block_id)


def _personal_link(app: Flask, session: Session, recipient_id: int, block_id: int) -> str:
    member_id = session.scalar(
        sa.select(BulletinRecipient.member_id).where(BulletinRecipient.id == recipient_id)
    )
    block = session.get(BulletinBlock, block_id) if block_id else None
    survey_id = (block.data or {}).get("survey_id") if block is not None else None
    made = survey_links(survey_id, [member_id]) if member_id and survey_id else {}
    return made.get(member_id) or f"{app.config['PUBLIC_BASE_URL']}/engagement/"


def record_unsubscribe(
    app: Flask, session: Session, attribution: str, member_id: int, now: datetime
) -> None:
    """Count an unsubscribe against the bulletin it came from, once, if the token is genuine
    and belongs to this member."""
    ids = unsubscribe_attribution_signer(app.config).read(attribution or "")
    if ids is None:
        return
    bulletin_id, recipient_id = ids
    owner = session.scalar(
        sa.select(BulletinRecipient.member_id).where(BulletinRecipient.id == recipient_id)
    )
    already = session.scalar(
        sa.select(TrackingHit.id).where(
            TrackingHit.recipient_id == recipient_id,
            TrackingHit.kind == HitKind.UNSUBSCRIBE.value,
        )
    )
    if owner == member_id and already is None:
        session.add(
            TrackingHit(
                bulletin_id=bulletin_id,
                recipient_id=recipient_id,
                kind=HitKind.UNSUBSCRIBE.value,
                at=now,
            )
        )


def _place_names(session: Session) -> dict[int, str]:
    return dict(session.execute(sa.select(Place.id, Place.name)).all())


def bulletin_context(session: Session, bulletin: Bulletin) -> dict:
    """What the bulletin stats page shows."""
    return {"stats": stats.bulletin_stats(session, bulletin, _place_names(session))}


def overview_context(session: Session, user) -> dict:
    """What the stats overview page shows for the user."""
    return {"overview": stats.overview(session, user)}


CSV_COUNTS = [
    "recipients",
    "accepted",
    "delivered",
    "bounced",
    "dropped",
    "deferred",
    "complaints",
    "unsubscribes",
    "consenting",
    "base",
    "opened_human",
    "opened_all",
    "clicked_human",
    "clicked_all",
]


def _rate(count, base) -> str:
    if not isinstance(count, int) or not isinstance(base, int) or not base:
        return ""
    return f"{count / base:.1%}"


def stats_csv(session: Session, bulletin: Bulletin, user) -> str:
    """The bulletin's figures, by place with small numbers hidden, and per link; audited."""
    result = stats.bulletin_stats(session, bulletin, _place_names(session))
    rows = [{"part": "all recipients", **vars(result.total)}] + [
        {"part": f"place: {name}", **vars(figures)} for name, figures in result.by_place
    ]
    places = suppress_small(rows[1:], CSV_COUNTS)
    figures_rows = [
        [row["part"]]
        + [row[name] for name in CSV_COUNTS]
        + [
            _rate(row["opened_human"], row["base"]),
            _rate(row["opened_all"], row["base"]),
            _rate(row["clicked_human"], row["base"]),
        ]
        for row in [rows[0], *places]
    ]
    link_rows = [
        [link.position, link.url, link.clicks_all, link.clickers_all, link.clickers_human]
        for link in result.links
    ]
    block_rows = [
        [block.label, block.clicks_all, block.clickers_all, block.clickers_human]
        for block in result.blocks
    ]
    text = csv_text(
        ["part", *CSV_COUNTS, "open_rate_human", "open_rate_all", "click_rate_human"],
        [
            *figures_rows,
            [],
            ["link", "url", "clicks_all", "people_clicking_all", "people_clicking_human"],
            *link_rows,
            [],
            ["block", "clicks_all", "people_clicking_all", "people_clicking_human"],
            *block_rows,
        ],
    )
    record_audit(session, user, "bulletin.stats_export", "bulletin", [bulletin.id])
    return text


def _unsubscribe_listener(session: Session, member, source: str, now: datetime) -> None:
    record_unsubscribe(current_app, session, source, member.id, now)


def register_listeners() -> None:
    """Have member unsubscribes recorded as tracking hits (once, however often called)."""
    if _unsubscribe_listener not in UNSUBSCRIBE_LISTENERS:
        UNSUBSCRIBE_LISTENERS.append(_unsubscribe_listener)
