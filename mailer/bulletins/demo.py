"""Demo bulletins: one draft being written, and one already sent with a realistic ledger."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.block_models import BlockKind
from mailer.bulletins.models import (
    BatchState,
    Bulletin,
    BulletinBatch,
    BulletinRecipient,
    BulletinStatus,
    ItemKind,
    RecipientState,
)
from mailer.bulletins.services import audience, blocks, compose, images
from mailer.bulletins.services.send import freeze_content
from panel.auth.models import Role, StaffUser


def _item(session, user, bulletin, kind, title, body, link_url="", link_text="", survey_id=None):
    compose.save_item(
        session,
        user,
        bulletin,
        None,
        kind=kind,
        title=title,
        body=body,
        link_url=link_url,
        link_text=link_text,
        survey_id=survey_id,
    )


def create_demo_bulletins(session: Session, now: datetime) -> None:
    """Add example bulletins for the demo site, once, if a communications user exists."""
    comms = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS).limit(1))
    if comms is None or session.scalar(sa.select(Bulletin.id).limit(1)) is not None:
        return
    sent_at = now - timedelta(days=14)
    sent = compose.create_bulletin(
        session, comms, "Citizens' Panel news: November 2026", None, sent_at
    )
    compose.update_bulletin(
        sent, sent.title, "Thank you to everyone who took part in our autumn surveys.", sent_at
    )
    _item(
        session,
        comms,
        sent,
        ItemKind.RESULT,
        "You said, we did: GP appointments",
        "You told us booking was hard: **three practices** now book online.",
    )
    _item(
        session,
        comms,
        sent,
        ItemKind.EVENT,
        "Drop-in at Lancaster library",
        "Come and meet the engagement team on 2 December, 10am to 1pm.",
    )
    sent.scheduled_by_id = comms.id
    sent.send_at = sent.started_at = sent_at
    audience.fix_recipients(session, sent, comms, sent_at)
    freeze_content(session, sent)
    sent.status = BulletinStatus.SENT
    sent.finished_at = sent_at + timedelta(minutes=2)
    # A realistic outcome: all accepted but one batch whose answer was lost (shown for a resend).
    ids = list(
        session.scalars(
            sa.select(BulletinRecipient.id)
            .where(BulletinRecipient.bulletin_id == sent.id)
            .order_by(BulletinRecipient.id)
        )
    )
    lost = ids[-3:]
    for state, chunk in ((BatchState.ACCEPTED, ids[:-3]), (BatchState.UNKNOWN, lost)):
        if not chunk:
            continue
        batch = BulletinBatch(
            bulletin_id=sent.id,
            state=state,
            size=len(chunk),
            started_at=sent_at,
            finished_at=sent_at + timedelta(seconds=5),
            attempts=1,
            message_id="demo" if state is BatchState.ACCEPTED else "",
            error="" if state is BatchState.ACCEPTED else "no answer: TimeoutError",
        )
        session.add(batch)
        session.flush()
        session.execute(
            sa.update(BulletinRecipient)
            .where(BulletinRecipient.id.in_(chunk))
            .values(state=RecipientState(state.value), batch_id=batch.id)
        )

    draft = compose.create_bulletin(
        session, comms, "Citizens' Panel news: December 2026", None, now
    )
    compose.update_bulletin(
        draft, draft.title, "Our winter edition: have your say on maternity care.", now
    )
    # The demo surveys are made first, so the live maternity survey can be chosen.
    maternity = [
        sid
        for sid, title in compose.invitable_surveys(session, comms)
        if title.startswith("Maternity")
    ]
    if maternity:
        _item(
            session,
            comms,
            draft,
            ItemKind.SURVEY,
            "Tell us about maternity care",
            "The survey takes about ten minutes.",
            "https://panel.example.nhs.uk/s/{token}",
            "Take the maternity survey",
            maternity[0],
        )
    _item(
        session,
        comms,
        draft,
        ItemKind.OPPORTUNITY,
        "Join our patient reference group",
        "We are looking for people in South Cumbria to join a monthly group.",
    )
    _block_draft(session, comms, now, maternity[0] if maternity else None)
    session.flush()


def _block_draft(session: Session, comms, now: datetime, survey_id: int | None) -> None:
    """A draft built from blocks, for the block editor."""
    draft = compose.create_bulletin(session, comms, "Citizens' Panel news: January 2027", None, now)
    content = [
        (BlockKind.HEADING, {"text": "A new year of listening"}),
        (BlockKind.TEXT, {"body": "Thank you to the **2,400** of you who took part in 2026."}),
        (
            BlockKind.BUTTON,
            {"label": "Read our year in review", "url": "https://example.nhs.uk/review"},
        ),
        (
            BlockKind.EVENT,
            {
                "title": "Panel open evening",
                "when": "Tuesday 19 January, 6pm",
                "where": "Preston Guild Hall",
                "url": "https://example.nhs.uk/open-evening",
            },
        ),
    ]
    if survey_id is not None:
        content.append(
            (
                BlockKind.SURVEY,
                {
                    "survey_id": str(survey_id),
                    "body": "About ten minutes.",
                    "label": "Take the maternity survey",
                },
            )
        )
    image = images.store_image(session, images.solid_png(1200, 400, (0, 94, 184)))
    content.insert(2, (BlockKind.IMAGE, {"alt": "The panel's 2026 in numbers", "caption": ""}))
    for kind, values in content:
        blocks.save_block(
            session, comms, draft, None, kind, values, image if kind is BlockKind.IMAGE else None
        )
