"""Sending a claimed bulletin in batches of up to 1,000 through the ledger, crash-safely.

Each batch is marked "sending" and committed before the request, and marked with the outcome
after it; a batch still "sending" when its sender died becomes "unknown" and is only ever sent
again by a person pressing "resend these N".
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy.orm import Session

from mailer.backends import BatchContent, BatchOutcome, batch_sender_from_config, personalization
from mailer.bulletins import block_rendering, rendering
from mailer.bulletins.batch_tokens import UnsubscribeTokens
from mailer.bulletins.models import (
    BatchState,
    Bulletin,
    BulletinBatch,
    BulletinRecipient,
    BulletinStatus,
    RecipientState,
)
from mailer.bulletins.services import audience
from mailer.bulletins.services.schedule import LEASE, claim_bulletin, due_bulletin_ids
from mailer.bulletins.sql import email_sha256
from mailer.models import EmailSuppression
from mailer.rendering import plain_text
from mailer.tracking import links as tracked_links
from mailer.tracking.tokens import signer_for, unsubscribe_attribution_signer
from panel.audit.services import record_audit
from panel.database import utcnow
from panel.members.models import Member
from panel.places.models import Place
from panel.tokens import TokenPurpose

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
_HTML_TAGS = {rendering.FIRST_NAME: "-first_name_html-", rendering.PLACE: "-place_html-"}


@dataclass
class SendReport:
    """What one run of the sender did: batches and recipients by outcome."""

    batches: int = 0
    accepted: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    finished: bool = False


def new_worker_name() -> str:
    """A name for this sending process (host, pid and a random part) to claim batches with."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def freeze_content(session: Session, bulletin: Bulletin) -> None:
    """Render and inline the email once, with tags; every batch sends exactly this."""
    rendered = rendering.render_with_tags(bulletin)
    html = rendered.html_body
    # Names go into HTML escaped and into text as rendering.plain_text leaves text: separate tags.
    for tag, html_tag in _HTML_TAGS.items():
        html = html.replace(tag, html_tag)
    bulletin.frozen_subject = rendered.subject
    bulletin.frozen_text = rendered.text_body
    bulletin.frozen_html = tracked_links.prepare_frozen_html(session, bulletin.id, html)


def mark_stale_batches_unknown(session: Session, now: datetime) -> int:
    """Batches still "sending" long after their sender's lease ran out: outcome unknown."""
    stale = sa.select(BulletinBatch.id).where(
        BulletinBatch.state == BatchState.SENDING, BulletinBatch.started_at < now - LEASE
    )
    ids = list(session.scalars(stale))
    if not ids:
        return 0
    session.execute(
        sa.update(BulletinRecipient)
        .where(
            BulletinRecipient.batch_id.in_(ids),
            BulletinRecipient.state == RecipientState.SENDING,
        )
        .values(state=RecipientState.UNKNOWN)
    )
    session.execute(
        sa.update(BulletinBatch)
        .where(BulletinBatch.id.in_(ids), BulletinBatch.state == BatchState.SENDING)
        .values(state=BatchState.UNKNOWN, error="the sender stopped before SendGrid answered")
    )
    logger.warning("%s bulletin batches marked unknown after a crash", len(ids))
    return len(ids)


def _next_rows(session: Session, bulletin_id: int, now: datetime, size: int):
    reason = audience._reason(now)
    return session.execute(
        sa.select(
            BulletinRecipient.id,
            BulletinRecipient.member_id,
            Member.email,
            Member.first_name,
            Place.name,
            reason,
            BulletinRecipient.tracking_consent,
        )
        .select_from(BulletinRecipient)
        .outerjoin(Member, Member.id == BulletinRecipient.member_id)
        .outerjoin(Place, Place.id == Member.place_id)
        .outerjoin(EmailSuppression, EmailSuppression.email_hash == email_sha256(Member.email))
        .where(
            BulletinRecipient.bulletin_id == bulletin_id,
            BulletinRecipient.state == RecipientState.PENDING,
        )
        .order_by(BulletinRecipient.id)
        .limit(size)
    ).all()


class _Personaliser:
    """Builds each recipient's personalization; one token signer and one link lookup per batch."""

    def __init__(self, session: Session, bulletin: Bulletin):
        config = current_app.config
        self.bulletin_id = str(bulletin.id)
        self.base = f"{config['PUBLIC_BASE_URL']}/unsubscribe/"
        self.signer = UnsubscribeTokens(
            URLSafeTimedSerializer(config["SECRET_KEY"], salt=str(TokenPurpose.UNSUBSCRIBE))
        )
        self.attribution = unsubscribe_attribution_signer(config)
        self.tracking = tracked_links.TrackingSubstitutions(
            config["PUBLIC_BASE_URL"],
            signer_for(config),
            bulletin.id,
            tracked_links.bulletin_links(session, bulletin.id),
        )
        self.personal_items = rendering.personal_items(bulletin)
        self.survey_blocks = [
            (tracked_links.personal_tag(block.id), (block.data or {}).get("survey_id") or 0)
            for block in block_rendering.survey_blocks(bulletin.blocks)
        ]

    def build(self, rows) -> list[dict]:
        member_ids = [row[1] for row in rows]
        links = {
            rendering.link_tag(item): rendering.PERSONAL_LINK_PROVIDERS[item.kind](item, member_ids)
            for item in self.personal_items
        }
        block_links = {
            tag: block_rendering.survey_links(survey_id, member_ids)
            for tag, survey_id in self.survey_blocks
        }
        people = []
        places: dict[str | None, str] = {}
        for recipient_id, member_id, email, first_name, place_name, _reason, consent in rows:
            # The same token panel.members.services.links.unsubscribe_token makes, and which
            # bulletin it came from (a token of its own: it tracks nobody's reading).
            unsubscribe = (
                f"{self.base}{self.signer.make(member_id)}"
                f"?from={self.attribution.make(int(self.bulletin_id), recipient_id)}"
            )
            name = str(escape(first_name or "there"))
            place = places.get(place_name)
            if place is None:
                place = places[place_name] = str(escape(place_name or ""))
            personal = {tag: made.get(member_id, "") for tag, made in block_links.items()}
            substitutions = {
                **personal,
                **self.tracking.values(self.tracking.token(recipient_id), consent, personal),
                rendering.FIRST_NAME: plain_text(name),
                "-first_name_html-": name,
                rendering.PLACE: plain_text(place),
                "-place_html-": place,
                rendering.UNSUBSCRIBE_URL: unsubscribe,
            }
            for tag, made in links.items():
                substitutions[tag] = made.get(member_id, "")
            people.append(
                personalization(
                    email,
                    substitutions,
                    {"bulletin_id": self.bulletin_id, "recipient_id": str(recipient_id)},
                    {
                        "List-Unsubscribe": f"<{unsubscribe}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            )
        return people


def run_send(
    session: Session,
    bulletin_id: int,
    sender,
    worker: str,
    clock: Callable[[], datetime] = utcnow,
    batch_size: int = BATCH_SIZE,
    hazard: Callable[[str], None] | None = None,
) -> SendReport:
    """Send the pending recipients of a bulletin this worker has claimed, batch by batch, until
    none are left, or it is paused, cancelled or taken over. ``hazard`` is called at each named
    point between steps (tests kill the process there). Commits as it goes."""
    report = SendReport()
    hazard = hazard or (lambda _name: None)
    bulletin = session.get(Bulletin, bulletin_id)
    mark_stale_batches_unknown(session, clock())
    if not bulletin.frozen_html:
        freeze_content(session, bulletin)
    session.commit()
    content = BatchContent(
        bulletin.frozen_subject,
        bulletin.frozen_text,
        bulletin.frozen_html,
        current_app.config["MAIL_FROM"],
        current_app.config["MAIL_FROM_NAME"],
    )
    personaliser = _Personaliser(session, bulletin)
    while True:
        now = clock()
        # The heartbeat doubles as the check that the send is still ours and still running.
        still_ours = session.execute(
            sa.update(Bulletin)
            .where(
                Bulletin.id == bulletin_id,
                Bulletin.status == BulletinStatus.SENDING,
                Bulletin.worker == worker,
            )
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not still_ours:
            session.rollback()
            return report
        rows = _next_rows(session, bulletin_id, now, batch_size)
        if not rows:
            _finish(session, bulletin_id, now)
            session.commit()
            report.finished = True
            return report
        sendable = [row for row in rows if row[5] == audience.INCLUDED]
        skipped = [row[0] for row in rows if row[5] != audience.INCLUDED]
        if skipped:
            session.execute(
                sa.update(BulletinRecipient)
                .where(BulletinRecipient.id.in_(skipped))
                .values(state=RecipientState.SKIPPED)
            )
            report.skipped += len(skipped)
        if not sendable:
            session.commit()
            continue
        batch = BulletinBatch(bulletin_id=bulletin_id, size=len(sendable), started_at=now)
        session.add(batch)
        session.flush()
        session.execute(
            sa.update(BulletinRecipient)
            .where(
                BulletinRecipient.bulletin_id == bulletin_id,
                BulletinRecipient.state == RecipientState.PENDING,
                BulletinRecipient.id <= rows[-1][0],
            )
            .values(state=RecipientState.SENDING, batch_id=batch.id)
        )
        batch_id = batch.id
        session.commit()
        hazard("marked")
        outcome = sender.send_batch(content, personaliser.build(sendable))
        hazard("answered")
        _record_outcome(session, batch_id, outcome, clock())
        session.commit()
        hazard("recorded")
        report.batches += 1
        setattr(report, outcome.state, getattr(report, outcome.state) + len(sendable))


def _record_outcome(session: Session, batch_id: int, outcome: BatchOutcome, now: datetime):
    state = BatchState(outcome.state)
    session.execute(
        sa.update(BulletinBatch)
        .where(BulletinBatch.id == batch_id)
        .values(
            state=state,
            message_id=outcome.message_id,
            error=outcome.error[:500],
            attempts=outcome.attempts,
            finished_at=now,
        )
    )
    session.execute(
        sa.update(BulletinRecipient)
        .where(BulletinRecipient.batch_id == batch_id)
        .values(state=RecipientState(outcome.state))
    )


def _finish(session: Session, bulletin_id: int, now: datetime) -> None:
    bulletin = session.get(Bulletin, bulletin_id)
    session.refresh(bulletin)
    bulletin.move_to(BulletinStatus.SENT)
    bulletin.finished_at = now
    bulletin.worker = ""
    record_audit(session, None, "bulletin.sent", "bulletin", [bulletin_id], now=now)


def resend_unresolved(session: Session, bulletin: Bulletin, user, now: datetime) -> int:
    """A person's decision to send again to everyone whose batch failed or is unknown: they go
    back to pending and the bulletin to the dispatcher. Returns how many."""
    count = session.execute(
        sa.update(BulletinRecipient)
        .where(
            BulletinRecipient.bulletin_id == bulletin.id,
            BulletinRecipient.state.in_([RecipientState.UNKNOWN, RecipientState.FAILED]),
        )
        .values(state=RecipientState.PENDING, batch_id=None)
    ).rowcount
    if count and bulletin.status is not BulletinStatus.SENDING:
        bulletin.move_to(BulletinStatus.SCHEDULED)
        bulletin.send_at = now
    record_audit(
        session, user, "bulletin.resend", "bulletin", [bulletin.id], f"{count} recipients", now=now
    )
    return count


def bulletin_sender():
    """The configured batch sender, built once per app."""
    extensions = current_app.extensions
    if "bulletin_sender" not in extensions:
        extensions["bulletin_sender"] = batch_sender_from_config(
            current_app.config, extensions["mail_backend"]
        )
    return extensions["bulletin_sender"]


def dispatch_due_bulletins(session: Session, now: datetime) -> int:
    """The scheduler job: claim each due bulletin (or one whose sender died) and send it.
    Safe to run in two processes at once: the claim lets only one of them send."""
    mark_stale_batches_unknown(session, now)
    due = due_bulletin_ids(session, now)
    # End the read transaction first: SQLite cannot upgrade a stale read to a write.
    session.commit()
    sent = 0
    for bulletin_id in due:
        worker = new_worker_name()
        try:
            if claim_bulletin(session, bulletin_id, worker, now):
                run_send(session, bulletin_id, bulletin_sender(), worker)
                sent += 1
        except (sa.exc.OperationalError, audience.AudienceError):
            # Lost a lock race, or the audience is gone: the next run (or a person) decides.
            session.rollback()
            logger.exception("bulletin %s not dispatched", bulletin_id)
    return sent
