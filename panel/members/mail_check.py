"""The look before any email to many people: who it reaches (after caps, pauses and the
do-not-email list), where they live, the email exactly as it will arrive for an example person,
a test to the sender, and the guard that the audience confirmed is the audience sent to.

Every check page (invitations, reminders, results feedback, bulletins, resends) is built from
these pieces and the one template partial ``_macros/mail_check.html``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import RenderedEmail, preview_email, queue_email, unsuppressed
from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.i18n import LANGUAGES, InterfaceLanguage, language_for_member
from panel.members.models import Member
from panel.members.services.links import TRANSLATED_EMAILS
from panel.places.models import Place

EXAMPLE_NAME = "Sam"
EXAMPLE_TOKEN = "example-personal-link"  # noqa: S105 (a placeholder shown in previews, not a secret)
NO_PLACE = "No place recorded"


class AudienceChanged(ValueError):
    """The people a send would reach changed between the check and the confirmation."""


@dataclass(frozen=True)
class MailCheck:
    """Who a send would reach and what they would get."""

    recipients: int
    #: (place name, people), largest first.
    by_place: list[tuple[str, int]]
    #: in the audience but on the do-not-email list (bounced, unsubscribed, complained).
    suppressed: int
    email: RenderedEmail
    #: the count and a hash of the recipients' ids, carried by the confirm button.
    fingerprint: str
    member_ids: tuple[int, ...] = ()
    #: (language, people) for an email written in each member's language, in LANGUAGES order;
    #: empty for an email everyone gets in English.
    by_language: tuple[tuple[InterfaceLanguage, int], ...] = ()


def example_url(path: str) -> str:
    """A public address with the example token in place of a personal one."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/{path}/{EXAMPLE_TOKEN}"


def example_email(template: str, context: dict) -> RenderedEmail:
    """``template`` as it will arrive, for the example person, with an example unsubscribe link."""
    return preview_email(
        template, {"first_name": EXAMPLE_NAME, **context}, example_url("unsubscribe")
    )


def fingerprint(member_ids: Iterable[int]) -> str:
    """ "<count>:<hash>" of a set of member ids: equal only for the same people."""
    ids = sorted(set(member_ids))
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    return f"{len(ids)}:{digest}"


def check_mail(
    session: Session,
    rows: Iterable[tuple[int, str | None, int | None]],
    email: RenderedEmail,
    template: str | None = None,
) -> MailCheck:
    """Count (member id, email, place id) rows already narrowed by the caller's rules, less the
    do-not-email list, by place; ``email`` is the example message. When ``template`` is one of
    the emails written in each member's language, the people are counted by language too."""
    rows = [(member_id, address, place) for member_id, address, place in rows if address]
    reachable = unsuppressed(session, [address for _id, address, _place in rows])
    kept = [(member_id, place) for member_id, address, place in rows if address in reachable]
    places = dict(session.execute(sa.select(Place.id, Place.name)).all())
    counts = Counter(places.get(place, NO_PLACE) for _id, place in kept)
    ids = tuple(member_id for member_id, _place in kept)
    return MailCheck(
        recipients=len(ids),
        by_place=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
        suppressed=len(rows) - len(kept),
        email=email,
        fingerprint=fingerprint(ids),
        member_ids=ids,
        by_language=_by_language(session, ids) if template in TRANSLATED_EMAILS else (),
    )


def _by_language(session: Session, member_ids: tuple[int, ...]):
    """How many of the people get the email in each language (English for a language the panel
    has no catalogue for, as queue_member_email writes it)."""
    counts: Counter[str] = Counter()
    for start in range(0, len(member_ids), 500):
        chosen = member_ids[start : start + 500]
        preferred = session.scalars(sa.select(Member.language).where(Member.id.in_(chosen)))
        counts.update(language_for_member(code) for code in preferred)
    return tuple(
        (language, counts[language.code]) for language in LANGUAGES if counts[language.code]
    )


def require_unchanged(check: MailCheck, expected: str | None) -> None:
    """Raise AudienceChanged unless ``expected`` is the fingerprint the page showed."""
    if expected != check.fingerprint:
        shown = (expected or "").split(":", 1)[0]
        before = f"{int(shown):,}" if shown.isdigit() else "an unknown number of"
        raise AudienceChanged(
            f"The people this would go to changed since you looked ({before} then, "
            f"{check.recipients:,} now). Nothing was sent: check the new figures and confirm again."
        )


def audit_confirmation(
    session: Session,
    user: StaffUser,
    action: str,
    object_type: str,
    object_id: int,
    count: int,
    now: datetime,
    note: str = "",
) -> None:
    """Record who confirmed a send to how many people (and anything else the send commits to)."""
    detail = f"{count} recipients" + (f"; {note}" if note else "")
    record_audit(session, user, action, object_type, [object_id], detail, now=now)


def send_test(
    session: Session,
    user: StaffUser,
    *,
    template: str,
    context: dict,
    action: str,
    object_type: str,
    object_id: int,
    now: datetime,
):
    """Queue the example email to the staff user themselves (audited); None when suppressed."""
    email = queue_email(
        session,
        to_email=user.email,
        template=template,
        context={"first_name": EXAMPLE_NAME, **context},
        idempotency_key=f"{action}:{object_id}:{user.id}:{now.isoformat()}",
        now=now,
        unsubscribe_url=example_url("unsubscribe"),
    )
    record_audit(session, user, action, object_type, [object_id], now=now)
    return email
