"""Requests that may send an email to an address someone typed, handled by a job, not the request.

Asking for a sign-in link, a password reset or to join must look and take the same whether or
not the address is known (quality bar 5). Rendering and queueing an email only for known
addresses made those requests measurably slower, so the request does the same thing for every
address, one insert here, and the ``handle-email-requests`` job decides what to send. Each kind
of request is handled by a function its own domain registers with ``email_request_handler``.
A row holds the typed address only until the job runs, seconds later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from panel.database import Base, enum_type

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


class EmailRequestKind(StrEnum):
    """Which email a request asks the job to send."""

    STAFF_PASSWORD_RESET = "staff_password_reset"  # noqa: S105 (a kind name, not a secret)
    MEMBER_SIGN_IN_LINK = "member_sign_in_link"
    JOIN = "join"


class EmailRequest(Base):
    """An address someone typed into a form that may send it an email, waiting for the job."""

    __tablename__ = "email_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EmailRequestKind] = mapped_column(enum_type(EmailRequestKind, length=30))
    #: the address as typed (lower-cased); deleted with the row when the job has handled it.
    email: Mapped[str] = mapped_column(sa.String(254))
    #: for a join: the finished draft holding the answers.
    join_draft_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("join_drafts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<EmailRequest {self.id} {self.kind}>"


Handler = Callable[[Session, EmailRequest, datetime], None]
#: kind -> f(session, request, now) that looks the address up and queues whatever is due.
EMAIL_REQUEST_HANDLERS: dict[EmailRequestKind, Handler] = {}


def email_request_handler(kind: EmailRequestKind):
    """Register the function that handles requests of ``kind``."""

    def register(function: Handler) -> Handler:
        EMAIL_REQUEST_HANDLERS[kind] = function
        return function

    return register


def record_email_request(
    session: Session,
    kind: EmailRequestKind,
    email: str,
    now: datetime,
    join_draft_id: int | None = None,
) -> None:
    """Note the request for the job: the same single insert whoever the address belongs to."""
    session.add(
        EmailRequest(
            kind=kind,
            email=(email or "").strip().lower()[:254],
            join_draft_id=join_draft_id,
            created_at=now,
        )
    )
    session.flush()


def handle_email_requests(session: Session, now: datetime) -> int:
    """Handle waiting requests, oldest first, deleting each once handled. Safe to run twice.

    A kind nobody registered a handler for stays waiting (and is logged) rather than being lost.
    """
    requests = session.scalars(
        sa.select(EmailRequest).order_by(EmailRequest.id).limit(BATCH_SIZE)
    ).all()
    handled = 0
    for request in requests:
        handler = EMAIL_REQUEST_HANDLERS.get(request.kind)
        if handler is None:
            logger.error("no handler for email requests of kind %s", request.kind.value)
            continue
        handler(session, request, now)
        # A bulk delete: the row may already be gone (a handler deleted its join draft).
        session.execute(sa.delete(EmailRequest).where(EmailRequest.id == request.id))
        session.flush()
        handled += 1
    return handled
